import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { undefinedWhenNotFound } from '../functions/shared/errors';

/** The role Rollback and TeardownNetwork assume to delete Lambda ENIs; on AWS the stack creates it (infra/eni-cleanup-role.ts). */
export const ENI_CLEANUP_ROLE_NAME = 'lambda-egress-eni-cleanup';

/**
 * The ENI cleanup role in the emulator's account, as the stack makes it: its only permission is
 * ec2:DeleteNetworkInterface in this account; the run-time session policy narrows it to a network's subnets.
 * Trusted by the account (moto evaluates no IAM; on AWS only the two task roles are trusted).
 */
export async function ensureEniCleanupRole(iam: IAMClient, account: string): Promise<string> {
  const existing = await undefinedWhenNotFound(iam.send(new GetRoleCommand({ RoleName: ENI_CLEANUP_ROLE_NAME })));
  const role =
    existing ??
    (await iam
      .send(
        new CreateRoleCommand({
          RoleName: ENI_CLEANUP_ROLE_NAME,
          Description: 'lambda-egress ENI cleanup (local mode)',
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }),
        }),
      )
      .catch(async (error: unknown) => {
        // Local mode started in several processes at once: the role of the one that won is as good.
        if (error instanceof Error && /^EntityAlreadyExists/.test(error.name)) return iam.send(new GetRoleCommand({ RoleName: ENI_CLEANUP_ROLE_NAME }));
        throw error;
      }));
  const policyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DeleteNetworkInterface', Resource: `arn:aws:ec2:*:${account}:network-interface/*` }] });
  // Read first: a local run that changes nothing (a repeated request) makes no write (docs/joins.md).
  const current = await iam.send(new GetRolePolicyCommand({ RoleName: ENI_CLEANUP_ROLE_NAME, PolicyName: 'DeleteNetworkInterfaces' })).catch(() => undefined);
  if (!current?.PolicyDocument || JSON.stringify(JSON.parse(decodeURIComponent(current.PolicyDocument))) !== policyDocument) {
    await iam.send(new PutRolePolicyCommand({ RoleName: ENI_CLEANUP_ROLE_NAME, PolicyName: 'DeleteNetworkInterfaces', PolicyDocument: policyDocument }));
  }
  const arn = role.Role?.Arn;
  if (!arn) throw new Error(`IAM returned no ARN for role ${ENI_CLEANUP_ROLE_NAME}`);
  return arn;
}
