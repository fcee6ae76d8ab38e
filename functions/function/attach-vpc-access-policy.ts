import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import { sameVpcConfig, targetPlacement } from './placement';
import type { AttachVpcAccessPolicyInput, VpcAccessPolicyAttachment } from './types';
import { hasVpcAccessPolicy, vpcAccessPolicyArn } from './vpc-access-policy';

/**
 * Attaches AWSLambdaVPCAccessExecutionRole to the target's role when RecordFunction found it without the
 * policy and the function is going to move. Runs early, beside the NAT wait, so IAM's propagation delay
 * overlaps it: Lambda checks that the execution role may manage network interfaces when AttachFunction sends
 * the VpcConfig, even onto a subnet + group combination whose Hyperplane ENIs exist already. Ownership comes
 * from the record, never from the role's current state, so a retry (or Rollback) detaches only what this
 * execution attached.
 */
export async function attachVpcAccessPolicy(clients: Pick<AwsClients, 'iam'>, input: AttachVpcAccessPolicyInput): Promise<VpcAccessPolicyAttachment> {
  const original = input.function?.original;
  if (!original) throw new Error('function.original is missing: RecordFunction must run before AttachVpcAccessPolicy');
  const policyArn = vpcAccessPolicyArn(original.roleArn);
  // Needed only while Lambda sets up a new VpcConfig: a function already in place (a repeated provision) is left as it is.
  const functionMoves = !sameVpcConfig(original.vpcConfig, targetPlacement(input));
  const policyAttachedByExecution = functionMoves && !original.vpcAccessPolicyAttached;
  if (!policyAttachedByExecution) return { policyAttachedByExecution, roleName: original.roleName, policyArn, ledger: [] };

  // A retry finds its own earlier attachment: no second call, same ownership, same ledger entry.
  if (!(await hasVpcAccessPolicy(clients.iam, original.roleName, policyArn))) {
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: original.roleName, PolicyArn: policyArn }));
    logger.info('attached the VPC access policy', { roleName: original.roleName, policyArn });
  }
  return {
    policyAttachedByExecution,
    roleName: original.roleName,
    policyArn,
    ledger: [ledgerEntry('iam-policy-attachment', policyArn, { detail: { roleName: original.roleName } })],
  };
}

const clients = createClients({ iam: IAMClient });
export const handler = taskHandler('AttachVpcAccessPolicy', (input: AttachVpcAccessPolicyInput) => attachVpcAccessPolicy(clients, input));
