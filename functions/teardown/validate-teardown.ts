import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { InvalidRequest } from '../shared/errors';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { TeardownState, ValidateTeardownInput } from './types';
import { refuseWhatNeverClears } from './refuse-blockers';
import { lockedNetwork, networkToTearDown, refuseWhileInUse } from './teardown-plan';

/**
 * Read-only: the network must be in the registry and have no members (NetworkInUse names them), and nothing
 * may hold its subnets or security group for good (TeardownBlocked names each, refuse-blockers.ts). Its result
 * is the teardown's state. TeardownNetwork checks the members again under the lock.
 */
async function validateTeardown(clients: Pick<AwsClients, 'ec2' | 'lambda'>, registry: Registry, input: ValidateTeardownInput): Promise<TeardownState> {
  const name = input.input.network;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidRequest('network', 'give the name of the network to tear down (a string; lambda-egress networks lists them)');
  }
  if (input.input.releaseEgressIps !== undefined && typeof input.input.releaseEgressIps !== 'boolean') {
    throw new InvalidRequest('releaseEgressIps', 'must be true or false: true releases the Elastic IPs of a network built with keepEgressIps instead of keeping them');
  }
  const network = await networkToTearDown(registry, name);
  refuseWhileInUse(network);
  await refuseWhatNeverClears(clients, network.name, network.record.ledger);
  return {
    execution: input.execution,
    purpose: 'teardown',
    request: { network: lockedNetwork(network) },
    ...(input.input.release !== undefined ? { release: input.input.release } : {}),
    ...(input.input.releaseEgressIps === true ? { releaseEgressIps: true } : {}),
  };
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('ValidateTeardown', (input: ValidateTeardownInput) => validateTeardown(clients, registry, input));
