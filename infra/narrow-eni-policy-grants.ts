import { Aws } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TargetRoles } from '../functions/shared/target-scope';
import { iamRoleArn, type Grant } from './policy-builders';

/**
 * iam:PutRolePolicy / DeleteRolePolicy for the narrow inline ENI policy (request.keepNarrowEniPolicy,
 * functions/function/narrow-eni-policy.ts). IAM has no condition key on an inline policy's name or document
 * (Service Authorization Reference, IAM: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html),
 * so the role is the only scope: the stack's targetRoles patterns (or any role), and an explicit Deny on the
 * product's own roles, since an inline policy can grant anything: the stack's roles (CloudFormation names a role
 * without RoleName `<stack name>-<logical id>-<suffix>`), the `<prefix>-*` named ones, the probe role.
 */
export function narrowEniPolicyOnRoles(actions: Array<'iam:PutRolePolicy' | 'iam:DeleteRolePolicy'>, context: { readonly probeRoleArn: string; readonly eniCleanupRoleArn: string; readonly scope?: { readonly targetRoles?: TargetRoles } }): Grant {
  const prefix = context.eniCleanupRoleArn.replace(/-EniCleanup$/, '-*');
  return {
    statements: [
      new PolicyStatement({ sid: 'NarrowEniPolicyOnTargetRoles', actions, resources: (context.scope?.targetRoles?.namePatterns ?? ['*']).map(iamRoleArn) }),
      new PolicyStatement({
        sid: 'DenyInlinePoliciesOnProductRoles',
        effect: Effect.DENY,
        actions,
        resources: [iamRoleArn(`${Aws.STACK_NAME}-*`), prefix, context.probeRoleArn, context.eniCleanupRoleArn],
      }),
    ],
    why: `the target function's execution role is chosen at run time${context.scope?.targetRoles ? " (within the stack's targetRoles)" : ''}; IAM offers no condition on an inline policy's name, and the product's own roles are excluded by an explicit Deny`,
  };
}
