import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { FunctionUpdateInProgress, undefinedWhenNotFound } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import { hasVpcAccessPolicy, roleNameFromArn, vpcAccessPolicyArn } from '../function/vpc-access-policy';
import type { ReleaseState, RestoreSlice } from './types';
import { applyOriginalVpcConfig } from '../undo/apply-original-vpc-config';

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
  const configuration = await undefinedWhenNotFound(clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn })));
  if (!configuration) return { outcome: 'already-gone', waitForUpdate: false, policyAttachedForRelease: false };
  const roleName = configuration.Role ? roleNameFromArn(configuration.Role) : undefined;
  let policyAttachedForRelease = false;
  if (roleName) {
    const policyArn = vpcAccessPolicyArn(functionArn);
    if (!(await hasVpcAccessPolicy(clients.iam, roleName, policyArn))) {
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
      policyAttachedForRelease = true;
    }
  }
  const original = input.membership.originalVpcConfig;
  const restore = await applyOriginalVpcConfig(clients.lambda, {
    functionArn,
    functionName: input.membership.functionName,
    roleName: roleName ?? '',
    vpcConfig: { subnetIds: original.subnetIds, securityGroupIds: original.securityGroupIds, ipv6AllowedForDualStack: original.ipv6AllowedForDualStack },
    vpcAccessPolicyAttached: input.membership.vpcAccessPolicyAttachedBefore,
  });
  const role = { ...(roleName ? { roleName } : {}), policyAttachedForRelease };
  switch (restore.kind) {
    // Not sent (an earlier update runs): the ASL retries the task.
    case 'busy':
      throw new FunctionUpdateInProgress(`${functionArn} has an update in progress; its original VpcConfig is applied once it ends`, { functionArn });
    // Sent: the CheckFunctionUpdate loop waits until Lambda has applied it.
    case 'applying':
    case 'restored':
      return { outcome: 'restored', waitForUpdate: true, ...role };
    default:
      return { outcome: restore.kind, waitForUpdate: false, ...role };
  }
}

const clients = createClients({ lambda: LambdaClient, iam: IAMClient });
export const handler = taskHandler('RestoreFunction', (input: ReleaseState) => restoreFunction(clients, input));
