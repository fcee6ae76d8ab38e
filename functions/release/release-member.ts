import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../shared/clients';
import { InvalidRequest, isNotFound } from '../shared/errors';
import type { RegisteredNetwork } from '../shared/registry/network-items';
import { readMembership } from '../shared/registry/read-membership';
import { readNetwork } from '../shared/registry/read-network';
import type { MembershipRecord } from '../shared/registry/records';
import type { Registry } from '../shared/registry/table';

/** A member a release would put back: its unqualified ARN, its membership and its network. */
interface MemberToRelease {
  readonly functionArn: string;
  readonly membership: MembershipRecord;
  readonly network: RegisteredNetwork;
}

/**
 * Read-only: the function's membership of a lambda-egress network, else InvalidRequest naming it. A function
 * that no longer exists is found by its ARN (the registry keys members by ARN). ValidateRelease and
 * `plan --release` both start here.
 */
export async function memberToRelease(clients: Pick<AwsClients, 'lambda'>, registry: Registry, functionName: string): Promise<MemberToRelease> {
  const functionArn = await resolveFunctionArn(clients, functionName);
  const membership = await readMembership(registry, functionArn);
  if (!membership) {
    throw new InvalidRequest('functionName', `${functionName} is not a member of any lambda-egress network (the registry has no membership for ${functionArn}); nothing was changed`, {
      functionArn,
    });
  }
  return { functionArn, membership, network: await readNetwork(registry, membership.network) };
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
