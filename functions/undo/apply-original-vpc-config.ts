import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, undefinedWhenNotFound } from '../shared/errors';
import type { OriginalFunctionRecord } from './types';

/**
 * What putting a function's original VpcConfig back did: `applying` when Lambda took the update and is still
 * applying it (LastUpdateStatus InProgress), `busy` when it was not sent because another update runs (the
 * function's or Lambda's own: ResourceConflictException). Rollback waits on both; release waits for `applying`
 * in its CheckFunctionUpdate loop and retries `busy`.
 */
type VpcConfigRestore = { readonly kind: 'already-gone' | 'unchanged' | 'restored' | 'applying' | 'busy' };

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/** Sends the function's original VpcConfig, unless it has it already; never waits. */
export async function applyOriginalVpcConfig(lambda: LambdaClient, original: OriginalFunctionRecord): Promise<VpcConfigRestore> {
  const current = await undefinedWhenNotFound(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: original.functionArn })));
  if (!current) return { kind: 'already-gone' };
  if (current.LastUpdateStatus === 'InProgress') return { kind: 'busy' };
  const vpc = current.VpcConfig;
  const wanted = original.vpcConfig;
  const alreadyOriginal =
    sameSet(vpc?.SubnetIds ?? [], wanted.subnetIds) &&
    sameSet(vpc?.SecurityGroupIds ?? [], wanted.securityGroupIds) &&
    Boolean(vpc?.Ipv6AllowedForDualStack) === Boolean(wanted.ipv6AllowedForDualStack);
  if (alreadyOriginal) return { kind: 'unchanged' };
  try {
    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: original.functionArn,
        VpcConfig: {
          SubnetIds: wanted.subnetIds,
          SecurityGroupIds: wanted.securityGroupIds,
          // Always sent: omitted, Lambda keeps a dual-stack flag of the applied config and refuses "no VPC" with
          // "Ipv6AllowedForDualStack cannot be true without subnet or security groups" (see
          // https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2061).
          Ipv6AllowedForDualStack: wanted.subnetIds.length > 0 && Boolean(wanted.ipv6AllowedForDualStack),
        },
      }),
    );
    return { kind: updated.LastUpdateStatus === 'InProgress' ? 'applying' : 'restored' };
  } catch (error) {
    // https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html: ResourceConflictException
    // while another update or a create is in progress.
    if (awsErrorName(error) === 'ResourceConflictException') return { kind: 'busy' };
    throw error;
  }
}
