import type { IAMClient } from '@aws-sdk/client-iam';
import { partitionOf } from '../functions/shared/partition';
import { eniCleanupPolicyDocument, ENI_CLEANUP_POLICY_NAME } from '../functions/undo/eni-cleanup-role-policy';
import { ensureInlinePolicy, ensureRole } from './iam-role';

/** The role Rollback and TeardownNetwork assume to delete Lambda ENIs; on AWS the stack creates it (infra/eni-cleanup-role.ts). */
export const ENI_CLEANUP_ROLE_NAME = 'lambda-egress-eni-cleanup';

/**
 * The ENI cleanup role in the emulator's account, with the stack's own statements
 * (functions/undo/eni-cleanup-role-policy.ts); the run-time session policy narrows it to a network's subnets.
 * Trusted by the account: moto evaluates no IAM, and local mode has no task roles (on AWS only Rollback's and
 * TeardownNetwork's roles are trusted).
 */
export async function ensureEniCleanupRole(iam: IAMClient, account: string): Promise<string> {
  const arn = await ensureRole(iam, {
    name: ENI_CLEANUP_ROLE_NAME,
    description: 'lambda-egress ENI cleanup (local mode)',
    trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }),
  });
  const region = await iam.config.region();
  await ensureInlinePolicy(iam, ENI_CLEANUP_ROLE_NAME, ENI_CLEANUP_POLICY_NAME, eniCleanupPolicyDocument({ partition: partitionOf(region).name, region, account }));
  return arn;
}
