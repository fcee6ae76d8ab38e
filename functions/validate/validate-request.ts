import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { createClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import { registryTableName, type Registry } from '../shared/registry/table';
import { targetScopeFromEnvironment } from '../shared/target-scope';
import type { ValidateRequestInput } from '../network/types';
import { validateRequest } from './validation';

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient, servicequotas: ServiceQuotasClient });
const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('ValidateRequest', (input: ValidateRequestInput) =>
  validateRequest(clients, input, targetScopeFromEnvironment(), registry),
);
