import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createClients } from '../shared/clients';
import { registryTableName, type Registry } from '../shared/registry/table';
import { answer, arnFromEnv } from './http';
import { TEARDOWN_STATE_MACHINE_ENV } from './requests';
import { teardownNetwork } from './teardown';

const { sfn, dynamodb } = createClients({ sfn: SFNClient, dynamodb: DynamoDBClient });
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };

/** DELETE /networks/{name}: tears the network down (the teardown refuses while functions are members). */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  answer('DELETE /networks/{name}', () => teardownNetwork({ sfn, registry }, arnFromEnv(TEARDOWN_STATE_MACHINE_ENV), event.pathParameters?.name));
