import { EC2Client } from '@aws-sdk/client-ec2';
import { DetachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { isNotFound } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import { otherVpcFunctionsUsingRole } from '../function/role-sharing';
import { hasVpcAccessPolicy, vpcAccessPolicyArn } from '../function/vpc-access-policy';
import type { ReleaseState, RestoreSlice, RolePolicySlice } from './types';
import { lingeringFunctionEnis } from '../undo/function-enis';
import { deleteNarrowEniPolicy } from '../function/delete-narrow-eni-policy';

/** Passes 30 s apart: Lambda deletes a released function's ENIs within ~20 minutes (aws-support-tools PR #174). */
export const ROLE_POLICY_MAX_ATTEMPTS = 40;

export interface RestoreRolePolicyInput extends ReleaseState {
  readonly restore: RestoreSlice;
  readonly rolePolicy?: Pick<RolePolicySlice, 'attempt'>;
}

/**
 * Leaves the role as it was before lambda-egress: AWSLambdaVPCAccessExecutionRole stays when the role had it
 * before (the membership says), else it is detached — but only once Lambda has deleted the released
 * configuration's network interfaces with it (RestoreFunction says why), or once no function is left to need
 * it. While those ENIs remain, returns what it waits for (the ASL waits and comes back), bounded: after the
 * last pass it detaches anyway and says so (teardown deletes Lambda ENIs left detached in its subnets). Kept
 * while another function using the same role sits in a VPC, as DetachVpcAccessPolicy does. The narrow inline ENI
 * policy the membership records (request.keepNarrowEniPolicy) is deleted at the same moment, by the same rules.
 */
export async function restoreRolePolicy(clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda'>, input: RestoreRolePolicyInput, maxAttempts = ROLE_POLICY_MAX_ATTEMPTS): Promise<RolePolicySlice> {
  const attempt = (input.rolePolicy?.attempt ?? 0) + 1;
  const roleName = input.restore.roleName;
  const narrow = input.membership.narrowEniPolicy;
  const result = (detached: boolean, reason: string, waitingFor: string[] = []): RolePolicySlice => ({ done: waitingFor.length === 0, attempt, maxAttempts, waitingFor, detached, reason });
  if (!roleName) return result(false, 'the function no longer exists: no role to restore');
  const attachedBefore = input.membership.vpcAccessPolicyAttachedBefore;
  if (attachedBefore && !narrow) return result(false, `kept on ${roleName}: the role had it before lambda-egress`);

  const lingering = await lingeringEnis(clients, input);
  if (lingering.length > 0 && attempt < maxAttempts) return result(false, `waiting for Lambda to delete the released configuration's ENIs before detaching from ${roleName}`, lingering);
  const gaveUp = lingering.length > 0 ? `; gave up waiting for ${lingering.join(', ')} after ${attempt} passes (teardown deletes them once detached)` : '';

  const sharedWith = await otherVpcFunctionsUsingRole(clients.lambda, roleName, input.request.functionName, input.request.functionArn);
  // The narrow inline policy (request.keepNarrowEniPolicy) goes like the managed one: once the ENIs are gone, not while shared.
  const narrowNote = narrow && sharedWith.length === 0 ? `; inline policy ${narrow} ${(await deleteNarrowEniPolicy(clients.iam, roleName, narrow)) ? 'deleted' : 'already gone'}` : '';
  if (attachedBefore) return result(false, `kept on ${roleName}: the role had it before lambda-egress${narrowNote}${gaveUp}`);
  const policyArn = vpcAccessPolicyArn(input.request.functionArn);
  if (sharedWith.length > 0) return result(false, `kept on ${roleName}: shared with ${sharedWith.join(', ')} in a VPC, which need it${narrow ? ` (and inline policy ${narrow})` : ''}${gaveUp}`);
  try {
    if (!(await hasVpcAccessPolicy(clients.iam, roleName, policyArn))) return result(false, `already not on ${roleName}${narrowNote}${gaveUp}`);
    await clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return result(true, `detached from ${roleName}: the role did not have it before lambda-egress${narrowNote}${gaveUp}`);
}

/** The released configuration's Lambda ENIs (function-enis.ts), none when the function is gone. */
async function lingeringEnis(clients: Pick<AwsClients, 'ec2' | 'lambda'>, input: RestoreRolePolicyInput): Promise<string[]> {
  if (input.restore.outcome === 'already-gone') return [];
  return lingeringFunctionEnis(clients, { functionArn: input.request.functionArn, ...input.networkVpcConfig });
}

const clients = createClients({ ec2: EC2Client, iam: IAMClient, lambda: LambdaClient });
export const handler = taskHandler('RestoreRolePolicy', (input: RestoreRolePolicyInput) => restoreRolePolicy(clients, input));
