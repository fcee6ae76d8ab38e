import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import { sameVpcConfig, targetPlacement } from './placement';
import type { AttachVpcAccessPolicyInput, FunctionVpcConfig, VpcAccessPolicyAttachment } from './types';
import { hasVpcAccessPolicy, vpcAccessPolicyArn } from './vpc-access-policy';

/**
 * Attaches AWSLambdaVPCAccessExecutionRole to the target's role when RecordFunction found it without the
 * policy and the function is going to move. Runs first after the lock, before the network's tasks, so IAM's
 * propagation overlaps all of them (on a join of a ready network they take seconds, so it used to be the join's
 * longest wait): Lambda checks that the execution role may manage network interfaces when AttachFunction sends
 * the VpcConfig, even onto a subnet + group combination whose Hyperplane ENIs exist already. Ownership comes
 * from the record, never from the role's current state, so a retry (or Rollback) detaches only what this
 * execution attached.
 */
export async function attachVpcAccessPolicy(clients: Pick<AwsClients, 'iam'>, input: AttachVpcAccessPolicyInput): Promise<VpcAccessPolicyAttachment> {
  const original = input.function?.original;
  if (!original) throw new Error('function.original is missing: RecordFunction must run before AttachVpcAccessPolicy');
  const policyArn = vpcAccessPolicyArn(original.roleArn);
  // Needed only while Lambda sets up a new VpcConfig: a function already in place (a repeated provision) is left as it is.
  const moves = functionMoves(input, original.vpcConfig);
  if (moves === 'not yet known') return { policyAttachedByExecution: false, roleName: original.roleName, policyArn, ledger: [], deferred: true };
  const policyAttachedByExecution = moves && !original.vpcAccessPolicyAttached;
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

/**
 * Whether the function moves. Before the network's tasks ran (a join attaches first: the state has no subnets or
 * security group yet), a function outside any VPC moves for certain; for one already in a VPC it is not yet known
 * (a repeated request may find it in place), and the decision waits for the Parallel's AttachVpcAccessPolicy.
 */
function functionMoves(input: AttachVpcAccessPolicyInput, current: FunctionVpcConfig): boolean | 'not yet known' {
  if (current.subnetIds.length === 0) return true;
  if (!input.network?.subnets || !input.network.securityGroup?.groupId) return 'not yet known';
  return !sameVpcConfig(current, targetPlacement(input));
}

const clients = createClients({ iam: IAMClient });
export const handler = taskHandler('AttachVpcAccessPolicy', (input: AttachVpcAccessPolicyInput) => attachVpcAccessPolicy(clients, input));
