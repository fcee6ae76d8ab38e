import { GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { readMembership } from '../../functions/shared/registry/read-membership';
import { emulator } from '../../local/test-support/emulator-control';
import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, timesEntered, queueProbeAnswers } from '../support/harness';
import { lambda, registry } from '../support/lifecycle-fixture';

const iam = new IAMClient({});
const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
const POLICY = 'lambda-egress-eni-egress';

let runs = 0;
function release(input: unknown): Promise<LocalRunResult> {
  runs += 1;
  return runLocally(input, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `narrow-release-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true });
}

/** The role as IAM lists it: managed policies attached and inline policy names. */
async function roleState(roleName: string): Promise<{ attached: string[]; inline: string[] }> {
  const attached = ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '').sort();
  const inline = ((await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? []).sort();
  return { attached, inline };
}

interface Statement {
  readonly Action: string | string[];
  readonly Resource: string | string[];
}

/** The inline policy's statements as GetRolePolicy answers them: each action with its resources. */
async function narrowPolicy(roleName: string): Promise<Record<string, string[]>> {
  const document = (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: POLICY }))).PolicyDocument ?? '';
  const statements = (JSON.parse(decodeURIComponent(document)) as { Statement: Statement[] }).Statement;
  const byAction: Record<string, string[]> = {};
  for (const statement of statements) for (const action of [statement.Action].flat()) byAction[action] = [statement.Resource].flat().sort();
  return byAction;
}

const request = (functionName: string) => ({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single' }, keepNarrowEniPolicy: true });

describe('keepNarrowEniPolicy: a narrow inline ENI policy instead of AWSLambdaVPCAccessExecutionRole (local runner + real handlers + moto)', () => {
  it('leaves the narrow policy on the network\'s subnets and security group, the managed policy detached; release deletes it and the role is as it was', async () => {
    // GIVEN a function whose role has neither policy
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await roleState(roleName);
    expect([before.attached.includes(VPC_ACCESS), before.inline]).toEqual([false, []]);

    // WHEN it is provisioned with keepNarrowEniPolicy
    await queueProbeAnswers(passingProbe());
    const run = await provision(request(functionName));
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;

    // THEN the managed policy is detached and the inline policy is there, ENI actions only, the mutating ones on the network's own
    expect(await roleState(roleName)).toEqual({ attached: before.attached, inline: [POLICY] });
    const [, , , region, account] = result.functionArn.split(':');
    const ec2 = (resource: string) => `arn:aws:ec2:${region}:${account}:${resource}`;
    expect(await narrowPolicy(roleName)).toEqual({
      'ec2:CreateNetworkInterface': [...result.network.privateSubnetIds.map((id) => ec2(`subnet/${id}`)), ec2(`security-group/${result.network.securityGroupId}`), ec2('network-interface/*')].sort(),
      'ec2:DeleteNetworkInterface': [ec2('network-interface/*')],
      'ec2:AssignPrivateIpAddresses': [ec2('network-interface/*')],
      'ec2:UnassignPrivateIpAddresses': [ec2('network-interface/*')],
      'ec2:DescribeNetworkInterfaces': ['*'],
    });
    // AND the result says so
    expect(result.function.vpcAccessPolicy.reason).toContain(`the narrow inline policy ${POLICY} stays on it instead`);
    // AND the membership records that lambda-egress put it
    expect((await readMembership(await registry(), result.functionArn))?.narrowEniPolicy).toBe(POLICY);

    // WHEN the function is released
    const released = await release({ functionName });

    // THEN the inline policy is gone and the role is as it was, the function out of the VPC
    expect([released.status, released.error]).toEqual(['SUCCEEDED', undefined]);
    expect(await roleState(roleName)).toEqual(before);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).VpcConfig?.SubnetIds ?? []).toEqual([]);
  });

  it('fails when detaching the managed policy is refused (fault proxy: DetachRolePolicy AccessDenied, not retried), and Rollback deletes the inline policy it had put', async () => {
    // GIVEN a function whose role has neither policy, and the first DetachRolePolicy refused (AccessDenied is not retried)
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await roleState(roleName);
    await emulator.inject({ service: 'iam', action: 'DetachRolePolicy', times: 1, fault: { type: 'error', code: 'AccessDenied', status: 403 } });

    // WHEN it is provisioned with keepNarrowEniPolicy
    await queueProbeAnswers(passingProbe());
    const setupCalls = (await emulator.calls()).length;
    const run = await provision(request(functionName));

    // THEN the execution failed after its Rollback, which put the role back as it was: no inline policy left
    expect([run.status, run.error, timesEntered(run, 'Rollback') > 0]).toEqual(['FAILED', 'AccessDenied', true]);
    const calls = (await emulator.calls()).slice(setupCalls);
    expect(calls.filter((call) => ['PutRolePolicy', 'DeleteRolePolicy'].includes(call.action)).map((call) => [call.action, call.status])).toEqual([
      ['PutRolePolicy', 200],
      ['DeleteRolePolicy', 200],
    ]);
    expect(await roleState(roleName)).toEqual(before);
  });
});
