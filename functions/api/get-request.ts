import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createClients } from '../shared/clients';
import { answer, stateMachineArnFromEnv } from './http';
import { requestStatus } from './status';

const { sfn } = createClients({ sfn: SFNClient });

/** GET /requests/{id}. */
export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  answer('GET /requests/{id}', () => requestStatus(sfn, stateMachineArnFromEnv(), event.pathParameters?.id));
