import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { InvalidRequest, isNotFound } from '../shared/errors';
import { readMembership } from '../shared/registry/read-membership';
import { readNetwork } from '../shared/registry/read-network';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { ReleaseState, ValidateReleaseInput } from './lifecycle-types';
import { lockedNetwork } from './teardown-plan';

/**
 * Read-only: the function must be a member of a lambda-egress network (the registry's membership), else
 * InvalidRequest naming it; nothing is changed. A function that no longer exists can be released by its ARN
 * (its membership is removed, nothing else). Its result is the release's state.
 */
export async function validateRelease(clients: Pick<AwsClients, 'lambda'>, registry: Registry, input: ValidateReleaseInput): Promise<ReleaseState> {
  const { functionName, teardownIfUnused } = input.input;
  if (typeof functionName !== 'string' || functionName.trim() === '') {
    throw new InvalidRequest('functionName', 'give the name or ARN of the function to release (a string)');
  }
  if (teardownIfUnused !== undefined && typeof teardownIfUnused !== 'boolean') {
    throw new InvalidRequest('teardownIfUnused', `must be true or false, got ${JSON.stringify(teardownIfUnused)}`);
  }
  const functionArn = await resolveFunctionArn(clients, functionName);
  const membership = await readMembership(registry, functionArn);
  if (!membership) {
    throw new InvalidRequest('functionName', `${functionName} is not a member of any lambda-egress network (the registry has no membership for ${functionArn}); nothing was changed`, {
      functionArn,
    });
  }
  const network = await readNetwork(registry, membership.network);
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

/** The unqualified ARN; a deleted function only by its ARN (the registry keys members by ARN). */
async function resolveFunctionArn(clients: Pick<AwsClients, 'lambda'>, functionName: string): Promise<string> {
  try {
    const found = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]: the registry keys the unqualified ARN.
    return (found.FunctionArn ?? functionName).split(':').slice(0, 7).join(':');
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (functionName.startsWith('arn:')) return functionName;
    throw new InvalidRequest('functionName', `no function named ${functionName} in this account and region; a function deleted since it was provisioned is released by its ARN`);
  }
}

const clients = createClients({ lambda: LambdaClient });
const dynamodb = new DynamoDBClient({});
export const handler = taskHandler('ValidateRelease', (input: ValidateReleaseInput) => validateRelease(clients, { dynamodb, tableName: registryTableName() }, input));
