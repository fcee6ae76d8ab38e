/**
 * The ENI cleanup role's permissions, once, for the two places that create the role: the stack
 * (infra/eni-cleanup-role.ts, with CloudFormation's partition, Region and account) and local mode
 * (local/eni-cleanup-role.ts, with the emulator's). The role may only delete network interfaces; each session
 * narrows it further to a network's own subnets (eni-cleanup-session.ts).
 */
export const ENI_CLEANUP_POLICY_NAME = 'DeleteNetworkInterfaces';

/** An IAM policy statement as the JSON policy language writes it. */
interface PolicyStatementJson {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

/** Where the role lives: literal values, or CloudFormation's pseudo parameters in the stack. */
interface RoleHome {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export function eniCleanupRoleStatements(home: RoleHome): PolicyStatementJson[] {
  return [
    {
      Sid: 'DeleteDetachedLambdaEnis',
      Effect: 'Allow',
      Action: ['ec2:DeleteNetworkInterface'],
      Resource: [`arn:${home.partition}:ec2:${home.region}:${home.account}:network-interface/*`],
    },
  ];
}

/** The role's inline policy document, as IAM's PutRolePolicy takes it. */
export function eniCleanupPolicyDocument(home: RoleHome): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: eniCleanupRoleStatements(home) });
}
