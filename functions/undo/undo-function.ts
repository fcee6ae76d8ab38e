import { DetachRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, isNotFound } from '../shared/errors';
import { hasVpcAccessPolicy, vpcAccessPolicyArn } from '../function/vpc-access-policy';
import { StillInUse } from './still-in-use';
import type { OriginalFunctionRecord, RollbackOutcome } from './types';


function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/**
 * Puts the function's VpcConfig back as RecordFunction found it, and waits (by StillInUse, i.e. by the
 * state machine's Retry) until Lambda has applied it: its ENIs must go before subnets and groups can.
 */
export async function restoreFunctionVpcConfig(lambda: LambdaClient, original: OriginalFunctionRecord): Promise<RollbackOutcome> {
  let current;
  try {
    current = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: original.functionArn }));
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
  if (current.LastUpdateStatus === 'InProgress') throw new StillInUse('the function has an update in progress');
  const vpc = current.VpcConfig;
  const wanted = original.vpcConfig;
  const alreadyOriginal =
    sameSet(vpc?.SubnetIds ?? [], wanted.subnetIds) &&
    sameSet(vpc?.SecurityGroupIds ?? [], wanted.securityGroupIds) &&
    Boolean(vpc?.Ipv6AllowedForDualStack) === Boolean(wanted.ipv6AllowedForDualStack);
  if (alreadyOriginal) return 'unchanged';
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
    if (updated.LastUpdateStatus === 'InProgress') throw new StillInUse('the function is applying its original VPC configuration');
  } catch (error) {
    if (awsErrorName(error) === 'ResourceConflictException') throw new StillInUse('the function has an update in progress');
    throw error;
  }
  return 'restored';
}

/** Detaches the VPC access policy when the record says the role did not have it before this execution. */
export async function detachPolicyIfAttachedByExecution(iam: IAMClient, original: OriginalFunctionRecord): Promise<RollbackOutcome> {
  if (original.vpcAccessPolicyAttached) return 'unchanged';
  const policyArn = vpcAccessPolicyArn(original.functionArn);
  try {
    if (!(await hasVpcAccessPolicy(iam, original.roleName, policyArn))) return 'already-gone';
    await iam.send(new DetachRolePolicyCommand({ RoleName: original.roleName, PolicyArn: policyArn }));
    return 'detached';
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
}
