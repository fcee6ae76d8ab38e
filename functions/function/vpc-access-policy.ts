import { paginateListAttachedRolePolicies, type IAMClient } from '@aws-sdk/client-iam';

/** The AWS managed policy that lets Lambda create the function's network interfaces in a VPC. */
export const VPC_ACCESS_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/** The same policy in the partition of any ARN of the account (aws, aws-cn, aws-us-gov). */
export function vpcAccessPolicyArn(anyArnOfTheAccount: string): string {
  const partition = anyArnOfTheAccount.split(':')[1] || 'aws';
  return `arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`;
}

/** `arn:aws:iam::123:role/path/name` -> `name` (a role's name is the last segment; paths may precede it). */
export function roleNameFromArn(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  if (!resource.startsWith('role/')) throw new Error(`not an IAM role ARN: ${roleArn}`);
  const name = resource.split('/').pop();
  if (!name) throw new Error(`not an IAM role ARN: ${roleArn}`);
  return name;
}

/** Whether the role has the managed VPC access policy attached now (all pages). */
export async function hasVpcAccessPolicy(iam: IAMClient, roleName: string, policyArn: string): Promise<boolean> {
  for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName })) {
    if (page.AttachedPolicies?.some((policy) => policy.PolicyArn === policyArn)) return true;
  }
  return false;
}
