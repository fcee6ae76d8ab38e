import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { FunctionUpdateInProgress, isNotFound } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import { hasVpcAccessPolicy, roleNameFromArn, vpcAccessPolicyArn } from '../function/vpc-access-policy';
import type { ReleaseState, RestoreSlice } from './types';
import { restoreFunctionVpcConfig } from '../undo/undo-function';
import { StillInUse } from '../undo/still-in-use';

/**
 * Puts a member back as it was before lambda-egress first moved it: its recorded VpcConfig (no VPC, or the
 * user's own subnets and groups, the IPv6 flag included), the rest of its configuration untouched.
 *
 * Lambda deletes the function's network interfaces with the execution role's EC2 permissions: "Lambda uses the
 * IAM role associated with the VPC function to delete ENIs" (aws-support-tools PR #174), and "to delete unused
 * network interfaces, the Lambda service uses the execution role of the functions that created the network
 * interfaces" (https://repost.aws/knowledge-center/lambda-eni-find-delete); without them the ENIs stay and
 * block the subnets and security group (aws-cdk #34400). So the role gets AWSLambdaVPCAccessExecutionRole for
 * the release when it lacks it; RestoreRolePolicy detaches it again once those ENIs are gone.
 */
export async function restoreFunction(clients: Pick<AwsClients, 'lambda' | 'iam'>, input: ReleaseState): Promise<RestoreSlice> {
  const { functionArn } = input.request;
  let role: string | undefined;
  try {
    role = (await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }))).Role;
  } catch (error) {
    if (isNotFound(error)) return { outcome: 'already-gone', waitForUpdate: false, policyAttachedForRelease: false };
    throw error;
  }
  const roleName = role ? roleNameFromArn(role) : undefined;
  let policyAttachedForRelease = false;
  if (roleName) {
    const policyArn = vpcAccessPolicyArn(functionArn);
    if (!(await hasVpcAccessPolicy(clients.iam, roleName, policyArn))) {
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
      policyAttachedForRelease = true;
    }
  }
  const original = input.membership.originalVpcConfig;
  try {
    const outcome = await restoreFunctionVpcConfig(clients.lambda, {
      functionArn,
      functionName: input.membership.functionName,
      roleName: roleName ?? '',
      vpcConfig: { subnetIds: original.subnetIds, securityGroupIds: original.securityGroupIds, ipv6AllowedForDualStack: original.ipv6AllowedForDualStack },
      vpcAccessPolicyAttached: input.membership.vpcAccessPolicyAttachedBefore,
    });
    return { outcome: outcome === 'already-gone' ? 'already-gone' : outcome === 'unchanged' ? 'unchanged' : 'restored', waitForUpdate: outcome === 'restored', ...(roleName ? { roleName } : {}), policyAttachedForRelease };
  } catch (error) {
    if (!(error instanceof StillInUse)) throw error;
    // Sent and being applied: the CheckFunctionUpdate loop waits. Not sent (an earlier update runs): retried.
    if (error.message.includes('applying its original')) return { outcome: 'restored', waitForUpdate: true, ...(roleName ? { roleName } : {}), policyAttachedForRelease };
    throw new FunctionUpdateInProgress(`${functionArn} has an update in progress; its original VpcConfig is applied once it ends`, { functionArn });
  }
}

const clients = createClients({ lambda: LambdaClient, iam: IAMClient });
export const handler = taskHandler('RestoreFunction', (input: ReleaseState) => restoreFunction(clients, input));
