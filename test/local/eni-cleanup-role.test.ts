import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ENI_CLEANUP_POLICY_NAME } from '../../functions/undo/eni-cleanup-role-policy';
import { EniCleanupRole } from '../../infra/eni-cleanup-role';
import { ENI_CLEANUP_ROLE_NAME, ensureEniCleanupRole } from '../../local/eni-cleanup-role';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { flat } from '../support/template-queries';

const iam = new IAMClient({});

/** The cleanup role's inline policy as the stack synthesizes it, its pseudo parameters given this account's values. */
function stackStatements(account: string, region: string): unknown[] {
  const stack = new Stack(new App(), 'Cleanup');
  const trusted = new Role(stack, 'Rollback', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  new EniCleanupRole(stack, 'EniCleanup', { functionNamePrefix: 'LambdaEgress', trustedRoles: [trusted] });
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role', { Properties: { RoleName: 'LambdaEgress-EniCleanup' } });
  const [role] = Object.values(roles) as Array<{ Properties: { Policies: Array<{ PolicyName: string; PolicyDocument: { Statement: Array<Record<string, unknown>> } }> } }>;
  const pseudo = (text: string) => text.replace('${AWS::Partition}', 'aws').replace('${AWS::Region}', region).replace('${AWS::AccountId}', account);
  return (role?.Properties.Policies ?? []).map((policy) => ({
    name: policy.PolicyName,
    statements: policy.PolicyDocument.Statement.map((statement) => ({
      ...statement,
      Action: ([] as unknown[]).concat(statement.Action),
      Resource: ([] as unknown[]).concat(statement.Resource).map((resource) => pseudo(flat(resource))),
    })),
  }));
}

describe("local mode's ENI cleanup role", () => {
  it("carries the stack's own statements (functions/undo/eni-cleanup-role-policy.ts), not a copy", async () => {
    // GIVEN a fresh account of the emulator
    const account = await emulator.freshAccount();
    // WHEN local mode makes its cleanup role there
    await ensureEniCleanupRole(iam, account);
    // THEN the role's inline policy is the one the stack gives its role, in this account and Region
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: ENI_CLEANUP_ROLE_NAME, PolicyName: ENI_CLEANUP_POLICY_NAME }));
    const local = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '{}')) as { Statement: unknown[] };
    expect([{ name: ENI_CLEANUP_POLICY_NAME, statements: local.Statement }]).toEqual(stackStatements(account, 'us-east-1'));
  });

  it('is found again on a second run, with no write', async () => {
    // GIVEN the role made once
    const account = await emulator.freshAccount();
    const arn = await ensureEniCleanupRole(iam, account);
    await emulator.clearCalls();
    // WHEN local mode asks for it again
    const again = await ensureEniCleanupRole(iam, account);
    // THEN it is the same role, and nothing was created or written
    expect(again).toBe(arn);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });
});
