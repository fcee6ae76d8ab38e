import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { InvalidRequest } from '../shared/errors';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { ReleaseState, ValidateReleaseInput } from './types';
import { memberToRelease } from './release-member';
import { lockedNetwork } from '../teardown/teardown-plan';

/**
 * Read-only: the function must be a member of a lambda-egress network (the registry's membership), else
 * InvalidRequest naming it; nothing is changed. A function that no longer exists can be released by its ARN
 * (its membership is removed, nothing else). Its result is the release's state.
 */
async function validateRelease(clients: Pick<AwsClients, 'lambda'>, registry: Registry, input: ValidateReleaseInput): Promise<ReleaseState> {
  const { functionName, teardownIfUnused } = input.input;
  if (typeof functionName !== 'string' || functionName.trim() === '') {
    throw new InvalidRequest('functionName', 'give the name or ARN of the function to release (a string)');
  }
  if (teardownIfUnused !== undefined && typeof teardownIfUnused !== 'boolean') {
    throw new InvalidRequest('teardownIfUnused', `must be true or false, got ${JSON.stringify(teardownIfUnused)}`);
  }
  const { functionArn, membership, network } = await memberToRelease(clients, registry, functionName);
  return {
    execution: input.execution,
    purpose: 'release',
    request: { functionName: membership.functionName, functionArn, teardownIfUnused: teardownIfUnused === true, network: lockedNetwork(network) },
    membership,
    networkVpcConfig: {
      subnetIds: network.record?.privateSubnetIds ?? [],
      securityGroupIds: network.record?.securityGroupId ? [network.record.securityGroupId] : [],
    },
  };
}

const clients = createClients({ lambda: LambdaClient });
const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('ValidateRelease', (input: ValidateReleaseInput) => validateRelease(clients, registry, input));
