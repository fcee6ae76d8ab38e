import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { VPC_ACCESS_POLICY_ARN } from '../functions/function/vpc-access-policy';
import { undefinedWhenNotFound } from '../functions/shared/errors';

const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** A role Lambda may assume, found again by name on a second run, or when another process just created it. */
export async function ensureLambdaRole(iam: IAMClient, roleName: string, description?: string): Promise<string> {
  const getRole = () =>
    undefinedWhenNotFound(iam.send(new GetRoleCommand({ RoleName: roleName })));
  const create = () =>
    iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, ...(description ? { Description: description } : {}) })).catch(async (error: unknown) => {
      // Local mode started in several processes at once: the role of the one that won is as good.
      if (error instanceof Error && /^EntityAlreadyExists/.test(error.name)) return getRole();
      throw error;
    });
  const role = (await getRole()) ?? (await create());
  const arn = role?.Role?.Arn;
  if (!arn) throw new Error(`IAM returned no ARN for role ${roleName}`);
  return arn;
}

/** A role for a Lambda function in a VPC: trust for Lambda plus AWSLambdaVPCAccessExecutionRole. */
export async function ensureVpcLambdaRole(iam: IAMClient, roleName: string, description: string): Promise<string> {
  const arn = await ensureLambdaRole(iam, roleName, description);
  // Read first: a local run that changes nothing (a repeated request) makes no write (docs/joins.md).
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  if (!(attached.AttachedPolicies ?? []).some((policy) => policy.PolicyArn === VPC_ACCESS_POLICY_ARN)) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: VPC_ACCESS_POLICY_ARN }));
  }
  return arn;
}
