import { DetachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { isNotFound } from '../shared/errors';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import type { DetachResult, DetachVpcAccessPolicyInput } from './types';
import { otherVpcFunctionsUsingRole } from './role-sharing';
import { vpcAccessPolicyArn } from './vpc-access-policy';
import { narrowEniPolicyDocument, narrowEniPolicyName, putNarrowEniPolicy } from './narrow-eni-policy';

/**
 * Restores least privilege at the end: AWSLambdaVPCAccessExecutionRole is needed to create a function's
 * network interfaces, not to invoke it, so once the probe has proved egress the policy this execution
 * attached is detached again. Rules, in order:
 * 1. only after the probe passed;
 * 2. `request.detachVpcAccessPolicy: false` keeps it (unless forced);
 * 3. only if this execution attached it (a role that had no policy and needed none is said to be without it) (`function.vpcAccessPolicy.policyAttachedByExecution`), unless forced;
 * 4. not while another function using the same role sits in a VPC (it needs the policy whenever Lambda
 *    creates its network interfaces again), unless forced.
 * "Forced" is `request.forceDetachVpcAccessPolicy: true`. Already detached (NoSuchEntity) counts as detached.
 * With `request.keepNarrowEniPolicy`, the narrow inline policy (narrow-eni-policy.ts) goes on the role before the
 * managed one comes off, so the role is never without the ENI permissions Lambda needs after a long idle time.
 */
export async function detachVpcAccessPolicy(clients: Pick<AwsClients, 'iam' | 'lambda'>, input: DetachVpcAccessPolicyInput): Promise<DetachResult> {
  const result = await decideAndDetach(clients, input);
  logger.info('VPC access policy', { detached: result.detached, reason: result.reason });
  return result;
}

async function decideAndDetach(clients: Pick<AwsClients, 'iam' | 'lambda'>, input: DetachVpcAccessPolicyInput): Promise<DetachResult> {
  const original = input.function?.original;
  if (!original) throw new Error('function.original is missing: RecordFunction must run before DetachVpcAccessPolicy');
  const { roleName, roleArn, functionArn } = original;
  const policyArn = vpcAccessPolicyArn(roleArn);
  const force = input.request.forceDetachVpcAccessPolicy === true;
  const keep = (reason: string, sharedWith: string[] = []): DetachResult => ({ detached: false, reason, roleName, policyArn, sharedWith });

  if (input.probe?.passed !== true) {
    return keep(`kept on ${roleName}: the probe has not passed, and the policy is detached only once egress is proved`);
  }
  if (!input.request.detachVpcAccessPolicy && !force) {
    return keep(`kept on ${roleName}: the request asked to keep it (detachVpcAccessPolicy: false)`);
  }
  const attachedByExecution = input.function?.vpcAccessPolicy?.policyAttachedByExecution === true;
  // A repeat provision of a function already in place attaches nothing (AttachVpcAccessPolicy): the role may well
  // be without the policy, and saying it "had" it would be false.
  if (!attachedByExecution && !original.vpcAccessPolicyAttached && !force) {
    return keep(`not on ${roleName}: the function already had this VPC configuration, so this execution needed the policy neither attached nor detached`);
  }
  if (!attachedByExecution && !force) {
    return keep(`kept on ${roleName}: the role had the policy before this execution, so it is not lambda-egress's to remove`);
  }
  const sharedWith = await otherVpcFunctionsUsingRole(clients.lambda, roleName, original.functionName, functionArn);
  if (sharedWith.length > 0 && !force) {
    return keep(
      `kept on ${roleName}: the role is shared with ${sharedWith.length} other function(s) in a VPC (${sharedWith.join(', ')}), which need it whenever Lambda creates their network interfaces`,
      sharedWith,
    );
  }

  const why = [
    attachedByExecution ? 'this execution attached it' : 'the request forced it (forceDetachVpcAccessPolicy) although the role had it before',
    sharedWith.length > 0 ? `forced although the role is shared with ${sharedWith.join(', ')}` : 'no other function in a VPC uses the role',
    'the probe proved egress, and the policy is only needed to create network interfaces, not to invoke the function',
  ].join('; ');
  const narrow = await keepNarrowPolicy(clients, input, roleName);
  const kept = narrow.narrowEniPolicy ? `; the narrow inline policy ${narrow.narrowEniPolicy} stays on it instead (keepNarrowEniPolicy)` : '';
  try {
    await clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { detached: true, reason: `already detached from ${roleName} (${why})${kept}`, roleName, policyArn, sharedWith, ...narrow };
  }
  return { detached: true, reason: `detached from ${roleName}: ${why}${kept}`, roleName, policyArn, sharedWith, ...narrow };
}

/** `request.keepNarrowEniPolicy`: the inline policy on the network's subnets and security group of the attached VpcConfig. */
async function keepNarrowPolicy(clients: Pick<AwsClients, 'iam'>, input: DetachVpcAccessPolicyInput, roleName: string): Promise<{ narrowEniPolicy?: string }> {
  const attached = input.function?.attach;
  if (!input.request.keepNarrowEniPolicy || !attached || !input.function?.original) return {};
  const policyName = narrowEniPolicyName(input.request.network.name);
  await putNarrowEniPolicy(clients.iam, roleName, policyName, narrowEniPolicyDocument(input.function.original.functionArn, attached.subnetIds, attached.securityGroupIds));
  return { narrowEniPolicy: policyName };
}

const clients = createClients({ iam: IAMClient, lambda: LambdaClient });
export const handler = taskHandler('DetachVpcAccessPolicy', (input: DetachVpcAccessPolicyInput) => detachVpcAccessPolicy(clients, input));
