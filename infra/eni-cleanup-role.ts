import { Aws } from 'aws-cdk-lib';
import { ArnPrincipal, CompositePrincipal, PolicyDocument, Role, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENI_CLEANUP_POLICY_NAME } from '../functions/undo/eni-cleanup-role-policy';
import { acknowledgeWildcards } from './nag';
import { deleteLambdaNetworkInterfaces } from './policy-builders';

/** `<prefix>-EniCleanup`: named, so the task roles' policies can name it before it exists (no dependency cycle). */
function eniCleanupRoleName(functionNamePrefix: string): string {
  return `${functionNamePrefix}-EniCleanup`;
}

export function eniCleanupRoleArn(functionNamePrefix: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${eniCleanupRoleName(functionNamePrefix)}`;
}

interface EniCleanupRoleProps {
  readonly functionNamePrefix: string;
  /** The roles allowed to assume it: Rollback's and TeardownNetwork's. */
  readonly trustedRoles: readonly IRole[];
}

/**
 * The only holder of ec2:DeleteNetworkInterface. Rollback and TeardownNetwork assume it with a session policy
 * allowing the call only where `ec2:Subnet` is one of the network's own subnets; a session's permissions are the
 * intersection of the role's policy and the session policy
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session), so AWS itself
 * refuses an interface outside the network.
 */
export class EniCleanupRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: EniCleanupRoleProps) {
    super(scope, id);
    const grant = deleteLambdaNetworkInterfaces();
    this.role = new Role(this, 'Role', {
      roleName: eniCleanupRoleName(props.functionNamePrefix),
      assumedBy: new CompositePrincipal(...props.trustedRoles.map((role) => new ArnPrincipal(role.roleArn))),
      description: "lambda-egress ENI cleanup: deletes detached Lambda ENIs, narrowed per session to one network's subnets",
      inlinePolicies: { [ENI_CLEANUP_POLICY_NAME]: new PolicyDocument({ statements: grant.statements }) },
    });
    acknowledgeWildcards(this.role, [grant]);
  }
}
