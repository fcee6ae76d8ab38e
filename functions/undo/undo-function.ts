import { DetachRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { isNotFound } from '../shared/errors';
import { applyOriginalVpcConfig } from './apply-original-vpc-config';
import { hasVpcAccessPolicy, vpcAccessPolicyArn } from '../function/vpc-access-policy';
import { StillInUse } from './still-in-use';
import type { OriginalFunctionRecord, RollbackOutcome } from './types';


/**
 * Puts the function's VpcConfig back as RecordFunction found it, and waits (by StillInUse, i.e. by the
 * state machine's Retry) until Lambda has applied it: its ENIs must go before subnets and groups can.
 */
export async function restoreFunctionVpcConfig(lambda: LambdaClient, original: OriginalFunctionRecord): Promise<RollbackOutcome> {
  const restore = await applyOriginalVpcConfig(lambda, original);
  switch (restore.kind) {
    case 'applying':
      throw new StillInUse('the function is applying its original VPC configuration');
    case 'busy':
      throw new StillInUse('the function has an update in progress');
    default:
      return restore.kind;
  }
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
