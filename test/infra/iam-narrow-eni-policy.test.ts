import type { TaskName } from '../../functions/shared/task-registry';
import { ACCOUNT, ENI_CLEANUP_ROLE_ARN, PROBE_ROLE_ARN, type IamRequest } from './iam/iam-requests';
import { evaluate } from './iam/simulate';
import { synthesizedTaskRoles, type TaskRole } from './iam/task-roles';

/**
 * The narrow inline ENI policy (request.keepNarrowEniPolicy) as AWS would evaluate the task roles, by
 * @cloud-copilot/iam-simulate (moto evaluates no IAM): DetachVpcAccessPolicy may put it, RestoreRolePolicy and
 * Rollback may delete it, on a target function's role; never on the product's own roles (an inline policy can
 * grant anything), whatever the stack's targetRoles say.
 */
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const onRole = (action: 'iam:PutRolePolicy' | 'iam:DeleteRolePolicy', arn: string): IamRequest => ({ action, resourceType: 'role', resource: arn, context: {}, why: 'the narrow ENI policy' });

const PUTS: TaskName[] = ['DetachVpcAccessPolicy'];
const DELETES: TaskName[] = ['RestoreRolePolicy', 'Rollback'];
/** The product's own roles as the simulation names them: the task roles (`<stack>-<task>-role`), the probe and ENI cleanup roles. */
const PRODUCT_ROLES = [roleArn('LambdaEgress-Rollback-role'), roleArn('LambdaEgress-DetachVpcAccessPolicy-role'), PROBE_ROLE_ARN, ENI_CLEANUP_ROLE_ARN];

async function verdicts(roles: Record<TaskName, TaskRole>, tasks: readonly TaskName[], request: IamRequest): Promise<string[]> {
  return Promise.all(tasks.map((task) => evaluate(roles[task], request)));
}

describe('IAM simulation: the narrow inline ENI policy on execution roles', () => {
  it("allows DetachVpcAccessPolicy to put it and RestoreRolePolicy and Rollback to delete it on a target function's role", async () => {
    // GIVEN the stack without a scope; WHEN the tasks act on a user's execution role; THEN AWS would allow it
    const roles = synthesizedTaskRoles();
    expect(await verdicts(roles, PUTS, onRole('iam:PutRolePolicy', roleArn('orders-api-role')))).toEqual(['Allowed']);
    expect(await verdicts(roles, DELETES, onRole('iam:DeleteRolePolicy', roleArn('orders-api-role')))).toEqual(['Allowed', 'Allowed']);
  });

  it('fails for every task on the product\'s own roles: no task may put or delete an inline policy there', async () => {
    // GIVEN the stack without a scope, and one whose targetRoles also cover the product's prefix
    for (const roles of [synthesizedTaskRoles(), synthesizedTaskRoles({ targetRoles: { namePatterns: ['LambdaEgress-*', 'lambda-egress-*'] } })]) {
      const allTasks = Object.keys(roles).filter((task) => task !== 'EniCleanup') as TaskName[];
      for (const arn of PRODUCT_ROLES) {
        // WHEN any task puts or deletes an inline policy on the product's role; THEN AWS would refuse it
        const allowed = [
          ...(await verdicts(roles, allTasks, onRole('iam:PutRolePolicy', arn))),
          ...(await verdicts(roles, allTasks, onRole('iam:DeleteRolePolicy', arn))),
        ].filter((verdict) => verdict === 'Allowed');
        expect([arn, allowed]).toEqual([arn, []]);
      }
      // AND the tasks that need it are explicitly denied there (not merely not allowed)
      expect(await verdicts(roles, PUTS, onRole('iam:PutRolePolicy', roleArn('LambdaEgress-Rollback-role')))).toEqual(['ExplicitlyDenied']);
    }
  });

  it("fails outside the stack's targetRoles: team-a-* may get the policy, team-b-* may not", async () => {
    const roles = synthesizedTaskRoles({ targetRoles: { namePatterns: ['team-a-*'] } });
    expect(await verdicts(roles, PUTS, onRole('iam:PutRolePolicy', roleArn('team-a-orders-role')))).toEqual(['Allowed']);
    expect(await verdicts(roles, PUTS, onRole('iam:PutRolePolicy', roleArn('team-b-orders-role')))).toEqual(['ImplicitlyDenied']);
    expect(await verdicts(roles, DELETES, onRole('iam:DeleteRolePolicy', roleArn('team-b-orders-role')))).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });
});
