import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { listNetworks } from '../inventory/list-networks';
import { registryTableName, type Registry } from '../shared/registry/table';
import { answer } from './http';

const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
const ec2 = new EC2Client({});
const lambda = new LambdaClient({});

/** GET /networks: every network, its members, drift and monthly cost (functions/inventory/list-networks.ts). */
export const handler = (): Promise<APIGatewayProxyResult> =>
  answer('GET /networks', async () => ({
    statusCode: 200,
    body: { ...(await listNetworks({ registry, ec2, lambda })) },
  }));
