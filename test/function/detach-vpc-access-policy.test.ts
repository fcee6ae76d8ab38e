import { EC2Client } from '@aws-sdk/client-ec2';
import { AttachRolePolicyCommand, DetachRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { attachFunction } from '../../functions/function/attach-function';
import { attachVpcAccessPolicy } from '../../functions/function/attach-vpc-access-policy';
import { detachVpcAccessPolicy } from '../../functions/function/detach-vpc-access-policy';
import { recordFunction } from '../../functions/function/record-function';
import type { DetachVpcAccessPolicyInput } from '../../functions/function/types';
import { VPC_ACCESS_POLICY_ARN } from '../../functions/function/vpc-access-policy';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, executionNamed, networkSlices, normalizedRequest, type EgressNetwork } from '../support/egress-network';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});
const clients = { ec2, iam, lambda };

async function hasPolicy(roleName: string): Promise<boolean> {
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  return (attached.AttachedPolicies ?? []).some((policy) => policy.PolicyArn === VPC_ACCESS_POLICY_ARN);
}

/** The state at DetachVpcAccessPolicy: function recorded, policy attached (AttachVpcAccessPolicy), function moved (AttachFunction), probe passed. */
async function provisioned(
  functionName: string,
  options: { network: EgressNetwork; roleName?: string; policyBefore?: boolean; detachVpcAccessPolicy?: boolean },
): Promise<DetachVpcAccessPolicyInput> {
  const fn = await createSampleFunction(functionName, options.roleName);
  if (options.policyBefore) await iam.send(new AttachRolePolicyCommand({ RoleName: options.roleName ?? `${functionName}-role`, PolicyArn: VPC_ACCESS_POLICY_ARN }));
  const request = normalizedRequest({ functionName, functionArn: fn.FunctionArn! }, { detachVpcAccessPolicy: options.detachVpcAccessPolicy ?? true });
  const execution = executionNamed(`exec-${functionName}`);
  const original = await recordFunction(clients, { execution, request });
  const vpcAccessPolicy = await attachVpcAccessPolicy(clients, { execution, request, function: { original }, network: networkSlices(options.network) });
  const attach = await attachFunction(clients, { execution, request, function: { original, vpcAccessPolicy }, network: networkSlices(options.network) });
  return { execution, request, function: { original, vpcAccessPolicy, attach }, probe: { passed: true } };
}

describe('DetachVpcAccessPolicy', () => {
  let network: EgressNetwork;

  beforeEach(async () => {
    await emulator.freshAccount();
    network = await buildEgressNetwork(ec2);
  });

  it('detaches the policy this execution attached, once the probe passed, and says why', async () => {
    const state = await provisioned('ours-fn', { network });
    expect(await hasPolicy('ours-fn-role')).toBe(true);

    const result = await detachVpcAccessPolicy(clients, state);

    expect(await hasPolicy('ours-fn-role')).toBe(false);
    expect(result).toMatchObject({ detached: true, roleName: 'ours-fn-role', policyArn: VPC_ACCESS_POLICY_ARN, sharedWith: [] });
    expect(result.reason).toMatch(/this execution attached it/);
  });

  it('puts no narrow ENI policy when it keeps the managed one (keepNarrowEniPolicy, the role had the policy before)', async () => {
    // GIVEN a role that had the managed policy before, and a request asking for the narrow policy
    const state = await provisioned('narrow-theirs-fn', { network, policyBefore: true });
    const asked = { ...state, request: { ...state.request, keepNarrowEniPolicy: true } };
    await emulator.clearCalls();
    // WHEN DetachVpcAccessPolicy runs
    const result = await detachVpcAccessPolicy(clients, asked);
    // THEN the managed policy stays, and no inline policy was put: the role keeps what it had
    expect([result.detached, result.narrowEniPolicy, (await emulator.calls()).filter((call) => call.action === 'PutRolePolicy').length]).toEqual([false, undefined, 0]);
  });

  it('leaves a policy the role already had untouched', async () => {
    const state = await provisioned('theirs-fn', { network, policyBefore: true });
    await emulator.clearCalls();

    const result = await detachVpcAccessPolicy(clients, state);

    expect(result.detached).toBe(false);
    expect(result.reason).toMatch(/had the policy before this execution/);
    expect(await hasPolicy('theirs-fn-role')).toBe(true);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('leaves a role shared with another function in a VPC untouched, naming that function', async () => {
    // GIVEN another function of the same role, already in a VPC (e.g. provisioned earlier on this network)
    await createSampleFunction('neighbour-fn', 'shared-role');
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'neighbour-fn', VpcConfig: { SubnetIds: network.privateSubnetIds, SecurityGroupIds: [network.securityGroupId] } }),
    );
    // and this execution attached the policy to the shared role for its own function
    const state = await provisioned('sharing-fn', { network, roleName: 'shared-role' });
    expect(state.function?.vpcAccessPolicy?.policyAttachedByExecution).toBe(true);

    const result = await detachVpcAccessPolicy(clients, state);

    expect(result).toMatchObject({ detached: false, sharedWith: ['neighbour-fn'] });
    expect(result.reason).toMatch(/shared with 1 other function\(s\) in a VPC \(neighbour-fn\)/);
    expect(await hasPolicy('shared-role')).toBe(true);
  });

  it('detaches from a role whose other functions are outside any VPC (they do not need it)', async () => {
    await createSampleFunction('batch-fn', 'mixed-role');
    const state = await provisioned('vpc-fn', { network, roleName: 'mixed-role' });
    const result = await detachVpcAccessPolicy(clients, state);
    expect(result.detached).toBe(true);
    expect(await hasPolicy('mixed-role')).toBe(false);
  });

  it('detaches from a shared role, and a policy it did not attach, when the request forces it', async () => {
    await createSampleFunction('other-fn', 'forced-role');
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'other-fn', VpcConfig: { SubnetIds: network.privateSubnetIds, SecurityGroupIds: [network.securityGroupId] } }),
    );
    const state = await provisioned('forced-fn', { network, roleName: 'forced-role', policyBefore: true });
    const forced = { ...state, request: { ...state.request, forceDetachVpcAccessPolicy: true } };

    const result = await detachVpcAccessPolicy(clients, forced);

    expect(result).toMatchObject({ detached: true, sharedWith: ['other-fn'] });
    expect(result.reason).toMatch(/forced/);
    expect(await hasPolicy('forced-role')).toBe(false);
  });

  it('keeps the policy when the probe has not passed', async () => {
    const state = await provisioned('unproved-fn', { network });
    const { probe: _probe, ...withoutProbe } = state;
    const result = await detachVpcAccessPolicy(clients, withoutProbe);
    expect(result).toMatchObject({ detached: false, reason: expect.stringMatching(/probe has not passed/) });
    expect(await hasPolicy('unproved-fn-role')).toBe(true);
  });

  it('keeps the policy when the request says detachVpcAccessPolicy: false', async () => {
    const state = await provisioned('keep-fn', { network, detachVpcAccessPolicy: false });
    const result = await detachVpcAccessPolicy(clients, state);
    expect(result).toMatchObject({ detached: false, reason: expect.stringMatching(/detachVpcAccessPolicy: false/) });
    expect(await hasPolicy('keep-fn-role')).toBe(true);
  });

  it('counts "already detached" as done: a retry after a lost answer, or NoSuchEntity from IAM', async () => {
    const state = await provisioned('gone-fn', { network });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'gone-fn-role', PolicyArn: VPC_ACCESS_POLICY_ARN }));
    await emulator.inject({ service: 'iam', action: 'DetachRolePolicy', fault: { type: 'error', code: 'NoSuchEntity', status: 404, message: 'Policy is not attached to role gone-fn-role' } });

    const result = await detachVpcAccessPolicy(clients, state);

    expect(result.detached).toBe(true);
    expect(result.reason).toMatch(/^already detached/);
  });
});
