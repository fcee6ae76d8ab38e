import { EC2Client } from '@aws-sdk/client-ec2';
import { AttachRolePolicyCommand, DetachRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { attachFunction } from '../../functions/function/attach-function';
import { attachVpcAccessPolicy } from '../../functions/function/attach-vpc-access-policy';
import { handler as recordFunctionHandler, recordFunction } from '../../functions/function/record-function';
import type { AttachFunctionInput } from '../../functions/function/types';
import { VPC_ACCESS_POLICY_ARN } from '../../functions/function/vpc-access-policy';
import { analyzeReachability } from '../../functions/probe/reachability';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, executionNamed, networkSlices, normalizedRequest, type EgressNetwork } from '../support/egress-network';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});
const clients = { ec2, iam, lambda };

const PROPAGATION_MESSAGE = 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2';

async function policiesOf(roleName: string): Promise<string[]> {
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  return (attached.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '');
}

async function configurationOf(functionName: string): Promise<FunctionConfiguration> {
  const { $metadata: _metadata, ...configuration } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  return configuration;
}

/** A user's function and the state the ASL hands AttachFunction: request, original record, network slices. */
async function prepare(functionName: string, options: { ipv6?: boolean; network?: EgressNetwork } = {}) {
  const network = options.network ?? (await buildEgressNetwork(ec2, { ipv6: options.ipv6 ?? false }));
  const fn = await createSampleFunction(functionName);
  const request = normalizedRequest({ functionName, functionArn: fn.FunctionArn! }, { ipv6: options.ipv6 ?? false });
  const execution = executionNamed(`exec-${functionName}`);
  const original = await recordFunction(clients, { execution, request });
  const state: AttachFunctionInput = { execution, request, function: { original }, network: networkSlices(network) };
  return { network, fn, request, execution, original, state };
}

describe('RecordFunction', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('records a plain function: no VpcConfig, role without the VPC access policy, no ledger, and changes nothing', async () => {
    // GIVEN a function outside any VPC
    const fn = await createSampleFunction('plain-fn');
    await emulator.clearCalls();
    // WHEN it is recorded
    const original = await recordFunction(clients, { execution: executionNamed('rec-1'), request: normalizedRequest({ functionName: 'plain-fn', functionArn: fn.FunctionArn! }) });
    // THEN the record holds its identity, role and empty VpcConfig, and no call changed anything
    expect(original).toEqual({
      functionArn: fn.FunctionArn,
      functionName: 'plain-fn',
      roleArn: fn.Role,
      roleName: 'plain-fn-role',
      vpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false },
      vpcAccessPolicyAttached: false,
      facts: { pinnedAliases: [], versionVpcConfigs: {}, snapStartOnPublishedVersions: false },
      ledger: [],
    });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('records a function already in a VPC, with its subnets, groups, IPv6 flag, and the policy its role already has', async () => {
    const network = await buildEgressNetwork(ec2);
    const fn = await createSampleFunction('attached-fn');
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached-fn-role', PolicyArn: VPC_ACCESS_POLICY_ARN }));
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'attached-fn',
        VpcConfig: { SubnetIds: network.publicSubnetIds, SecurityGroupIds: [network.securityGroupId], Ipv6AllowedForDualStack: true },
      }),
    );
    const original = await recordFunction(clients, { execution: executionNamed('rec-2'), request: normalizedRequest({ functionName: 'attached-fn', functionArn: fn.FunctionArn! }) });
    expect(original.vpcConfig).toEqual({ subnetIds: network.publicSubnetIds, securityGroupIds: [network.securityGroupId], ipv6AllowedForDualStack: true });
    expect(original.vpcAccessPolicyAttached).toBe(true);
  });

  it('fails InvalidRequest naming functionName when the function does not exist', async () => {
    const request = normalizedRequest({ functionName: 'ghost', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ghost' });
    await expect(recordFunction(clients, { execution: executionNamed('rec-3'), request })).rejects.toMatchObject({ name: 'InvalidRequest', field: 'functionName' });
  });
});

describe('AttachFunction', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('puts the function on exactly the private subnets with the egress group, and changes no other setting', async () => {
    // GIVEN a function with settings of its own
    const { network, fn, state } = await prepare('settings-fn');
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'settings-fn',
        MemorySize: 512,
        Timeout: 42,
        Description: 'orders API',
        Environment: { Variables: { STAGE: 'prod', TABLE: 'orders' } },
        Handler: 'index.handler',
      }),
    );
    const before = await configurationOf('settings-fn');

    // WHEN AttachFunction runs
    const attach = await attachFunction(clients, state);

    // THEN Lambda shows the private subnets and the group, and every other field is as it was
    const after = await configurationOf('settings-fn');
    expect([...(after.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...network.privateSubnetIds].sort());
    expect(after.VpcConfig?.SecurityGroupIds).toEqual([network.securityGroupId]);
    const unchanged = (configuration: FunctionConfiguration) => {
      const { VpcConfig: _vpc, LastModified: _modified, RevisionId: _revision, LastUpdateStatus: _status, ...rest } = configuration;
      return rest;
    };
    expect(unchanged(after)).toEqual(unchanged(before));
    expect(after).toMatchObject({ MemorySize: 512, Timeout: 42, Description: 'orders API', Handler: 'index.handler', Runtime: 'nodejs22.x', Environment: { Variables: { STAGE: 'prod', TABLE: 'orders' } } });
    // and the slice says what was applied, in which VPC (from EC2, not Lambda's VpcId), with a ledger entry to undo it
    expect(attach).toMatchObject({
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [network.securityGroupId],
      ipv6AllowedForDualStack: false,
      vpcId: network.vpcId,
    });
    const configEntry = attach.ledger.find((entry) => entry.kind === 'function-vpc-config');
    expect(configEntry?.id).toBe(fn.FunctionArn);
    expect(JSON.parse(configEntry?.detail?.originalVpcConfig ?? '{}')).toEqual({ subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false });
    expect(JSON.parse(configEntry?.detail?.originalRecord ?? '{}')).toMatchObject({ functionArn: fn.FunctionArn, roleName: 'settings-fn-role', vpcAccessPolicyAttached: false });
  });

  it("ledgers exactly the record Rollback falls back to, even when the state's record carries the task's timing stamp", async () => {
    // GIVEN the record as the RecordFunction handler puts it in the state (with its timing)
    const network = await buildEgressNetwork(ec2);
    const fn = await createSampleFunction('stamped-fn');
    const request = normalizedRequest({ functionName: 'stamped-fn', functionArn: fn.FunctionArn! });
    const execution = executionNamed('exec-stamped');
    const original = await recordFunctionHandler({ execution, request });
    expect(original.timing.task).toBe('RecordFunction');
    // WHEN AttachFunction runs on it
    const attach = await attachFunction(clients, { execution, request, function: { original }, network: networkSlices(network) });
    // THEN the ledger's copy is the record's facts only
    const entry = attach.ledger.find((candidate) => candidate.kind === 'function-vpc-config');
    expect(JSON.parse(entry?.detail?.originalRecord ?? '{}')).toEqual({
      functionArn: fn.FunctionArn,
      functionName: 'stamped-fn',
      roleArn: fn.Role,
      roleName: 'stamped-fn-role',
      vpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false },
      vpcAccessPolicyAttached: false,
    });
  });

  it('changes neither the role nor its policies: AttachVpcAccessPolicy ran earlier, beside the NAT wait', async () => {
    const { state } = await prepare('no-iam-fn');
    await emulator.clearCalls();
    await attachFunction(clients, state);
    expect(mutatingCalls(await emulator.calls())).toEqual(['UpdateFunctionConfiguration']);
    expect((await emulator.calls()).filter((call) => call.service === 'iam')).toEqual([]);
  });

  it('moves a function attached to two public subnets onto the private ones; reachability on the public ones names the public-subnet hop', async () => {
    // GIVEN a function a user put on the public subnets (the guide's warning)
    const network = await buildEgressNetwork(ec2);
    const fn = await createSampleFunction('public-fn');
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'public-fn', VpcConfig: { SubnetIds: network.publicSubnetIds, SecurityGroupIds: [network.securityGroupId] } }),
    );
    const request = normalizedRequest({ functionName: 'public-fn', functionArn: fn.FunctionArn! });
    const execution = executionNamed('exec-public');
    const original = await recordFunction(clients, { execution, request });

    // WHEN the original placement is analysed
    const verdict = await analyzeReachability(ec2, { subnetIds: original.vpcConfig.subnetIds, securityGroupIds: original.vpcConfig.securityGroupIds, port: 443, ipv6: false });
    // THEN the first public subnet is the broken hop, with the guide's explanation
    const firstPublic = network.publicSubnetIds[0]!;
    expect(verdict).toMatchObject({
      verdict: 'FAIL',
      hop: 'default-route',
      subnetId: firstPublic,
      resourceId: network.internetGatewayId,
      explanation: `${firstPublic} is public: its default route goes to ${network.internetGatewayId}; a Lambda function there gets no internet access — use the private subnets`,
    });

    // WHEN AttachFunction runs, THEN the function is on the private subnets, and the original (public) placement is recorded for rollback
    const attach = await attachFunction(clients, { execution, request, function: { original }, network: networkSlices(network) });
    const after = await configurationOf('public-fn');
    expect([...(after.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...network.privateSubnetIds].sort());
    expect(after.VpcConfig?.SubnetIds).not.toEqual(expect.arrayContaining([network.publicSubnetIds[0]]));
    const entry = attach.ledger.find((candidate) => candidate.kind === 'function-vpc-config');
    expect(JSON.parse(entry?.detail?.originalVpcConfig ?? '{}').subnetIds).toEqual(network.publicSubnetIds);
  });

  it('sets Ipv6AllowedForDualStack when the request turns IPv6 on', async () => {
    const { state } = await prepare('dual-stack-fn', { ipv6: true });
    const attach = await attachFunction(clients, state);
    const after = await configurationOf('dual-stack-fn');
    expect(after.VpcConfig?.Ipv6AllowedForDualStack).toBe(true);
    expect(attach.ipv6AllowedForDualStack).toBe(true);
  });

  it('fails InvalidRequest, before changing anything, when a subnet listed as private is public in the subnet plan', async () => {
    const { network, state } = await prepare('refuse-fn');
    const publicId = network.publicSubnetIds[0]!;
    const slices = networkSlices(network);
    const tampered: AttachFunctionInput = { ...state, network: { ...slices, subnets: { ...slices.subnets, privateSubnetIds: [network.privateSubnetIds[0]!, publicId] } } };
    await emulator.clearCalls();

    await expect(attachFunction(clients, tampered)).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.subnets.privateSubnetIds', details: { subnetId: publicId } });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails FunctionUpdateInProgress when Lambda answers ResourceConflictException (an earlier update in progress)', async () => {
    const { state } = await prepare('conflict-fn');
    await emulator.inject({
      service: 'lambda',
      action: 'UpdateFunctionConfiguration',
      fault: { type: 'error', code: 'ResourceConflictException', status: 409, message: 'The operation cannot be performed at this time. An update is in progress for resource: conflict-fn' },
    });
    await expect(attachFunction(clients, state)).rejects.toMatchObject({ name: 'FunctionUpdateInProgress' });
  });

  it('fails FunctionUpdateInProgress without sending an update while the function reports LastUpdateStatus InProgress', async () => {
    const { state } = await prepare('busy-fn');
    await emulator.clearFaults(); // restarts the per-action call counters: the rule hits the next call
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunctionConfiguration',
      fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] },
    });
    await emulator.clearCalls();
    await expect(attachFunction(clients, state)).rejects.toMatchObject({ name: 'FunctionUpdateInProgress' });
    expect((await emulator.calls()).map((call) => call.action)).not.toContain('UpdateFunctionConfiguration');
  });

  it("fails RolePropagationDelay on IAM's propagation message, and other InvalidParameterValueExceptions unchanged", async () => {
    const { state } = await prepare('propagation-fn');
    await emulator.inject({ service: 'lambda', action: 'UpdateFunctionConfiguration', fault: { type: 'error', code: 'InvalidParameterValueException', status: 400, message: PROPAGATION_MESSAGE } });
    await expect(attachFunction(clients, state)).rejects.toMatchObject({ name: 'RolePropagationDelay' });

    await emulator.inject({
      service: 'lambda',
      action: 'UpdateFunctionConfiguration',
      nth: 2,
      fault: { type: 'error', code: 'InvalidParameterValueException', status: 400, message: 'Subnets in the VpcConfig do not have IPv6 CIDR blocks' },
    });
    await expect(attachFunction(clients, state)).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('is idempotent: a retry after a refused update sends it again, and a third run sends nothing', async () => {
    // GIVEN a first attempt that hit an update in progress
    const { state } = await prepare('retry-fn');
    await emulator.inject({ service: 'lambda', action: 'UpdateFunctionConfiguration', fault: { type: 'error', code: 'ResourceConflictException', status: 409 } });
    await expect(attachFunction(clients, state)).rejects.toMatchObject({ name: 'FunctionUpdateInProgress' });

    // WHEN the state machine retries with the same state
    await emulator.clearCalls();
    const retried = await attachFunction(clients, state);
    // THEN the update is sent once
    expect(mutatingCalls(await emulator.calls())).toEqual(['UpdateFunctionConfiguration']);

    // WHEN it runs once more, THEN nothing is sent at all and the slice is the same
    await emulator.clearCalls();
    const again = await attachFunction(clients, state);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    const withoutTimes = (slice: typeof again) => ({ ...slice, ledger: slice.ledger.map(({ createdAt: _createdAt, ...entry }) => entry) });
    expect(withoutTimes(again)).toEqual(withoutTimes(retried));
  });

  it('sends nothing when the function is already on these subnets (a repeated provision)', async () => {
    // GIVEN a function a first execution attached
    const first = await prepare('repeat-fn');
    await attachFunction(clients, first.state);
    // WHEN a second execution records and attaches it again
    const execution = executionNamed('exec-repeat-2');
    const original = await recordFunction(clients, { execution, request: first.request });
    await emulator.clearCalls();
    const second = await attachFunction(clients, { ...first.state, execution, function: { original } });
    // THEN no call changes anything and nothing is ledgered
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(second).toMatchObject({ ledger: [] });
  });

  it('fails clearly when RecordFunction has not run', async () => {
    const { state } = await prepare('unrecorded-fn');
    const { function: _function, ...withoutRecord } = state;
    await expect(attachFunction(clients, withoutRecord as AttachFunctionInput)).rejects.toThrow(/RecordFunction must run before AttachFunction/);
  });
});

describe('AttachVpcAccessPolicy', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('attaches AWSLambdaVPCAccessExecutionRole when the role lacks it, and ledgers the attachment', async () => {
    const { state } = await prepare('no-policy-fn');
    expect(await policiesOf('no-policy-fn-role')).not.toContain(VPC_ACCESS_POLICY_ARN);

    const attached = await attachVpcAccessPolicy(clients, state);

    expect(await policiesOf('no-policy-fn-role')).toContain(VPC_ACCESS_POLICY_ARN);
    expect(attached).toMatchObject({ policyAttachedByExecution: true, roleName: 'no-policy-fn-role', policyArn: VPC_ACCESS_POLICY_ARN });
    expect(attached.ledger).toEqual([expect.objectContaining({ kind: 'iam-policy-attachment', id: VPC_ACCESS_POLICY_ARN, detail: { roleName: 'no-policy-fn-role' } })]);
  });

  it('attaches it before the network exists (the ASL runs it first after the lock): a function outside any VPC moves wherever the network puts it', async () => {
    // GIVEN the state the ASL hands it now: the request and the original record, no network slices yet
    const { state } = await prepare('early-policy-fn');
    const { network: _network, ...beforeTheNetwork } = state;
    await emulator.clearCalls();
    // WHEN it runs
    const attached = await attachVpcAccessPolicy(clients, beforeTheNetwork as AttachFunctionInput);
    // THEN the policy is on the role, ours, ledgered: IAM propagates while the network's tasks run
    expect(attached).toMatchObject({ policyAttachedByExecution: true, ledger: [expect.objectContaining({ kind: 'iam-policy-attachment', id: VPC_ACCESS_POLICY_ARN })] });
    expect(mutatingCalls(await emulator.calls())).toEqual(['AttachRolePolicy']);
    expect(await policiesOf('early-policy-fn-role')).toContain(VPC_ACCESS_POLICY_ARN);
  });

  it('leaves a policy the role already had alone: no AttachRolePolicy call, not ledgered, not ours', async () => {
    const fn = await createSampleFunction('has-policy-fn');
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'has-policy-fn-role', PolicyArn: VPC_ACCESS_POLICY_ARN }));
    const network = await buildEgressNetwork(ec2);
    const request = normalizedRequest({ functionName: 'has-policy-fn', functionArn: fn.FunctionArn! });
    const execution = executionNamed('exec-has-policy');
    const original = await recordFunction(clients, { execution, request });
    await emulator.clearCalls();

    const attached = await attachVpcAccessPolicy(clients, { execution, request, function: { original }, network: networkSlices(network) });

    expect(attached).toMatchObject({ policyAttachedByExecution: false, ledger: [] });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('is idempotent: a retry finds its own attachment, keeps policyAttachedByExecution and attaches nothing again', async () => {
    const { state } = await prepare('retry-policy-fn');
    const first = await attachVpcAccessPolicy(clients, state);
    await emulator.clearCalls();

    const retried = await attachVpcAccessPolicy(clients, state);

    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(retried.policyAttachedByExecution).toBe(true);
    expect(retried.ledger.map((entry) => `${entry.kind}:${entry.id}`)).toEqual(first.ledger.map((entry) => `${entry.kind}:${entry.id}`));
  });

  it('attaches no policy when the function is already on these subnets (a repeated provision)', async () => {
    // GIVEN a function a first execution attached, and whose policy it detached again at the end
    const first = await prepare('repeat-policy-fn');
    await attachVpcAccessPolicy(clients, first.state);
    await attachFunction(clients, first.state);
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'repeat-policy-fn-role', PolicyArn: VPC_ACCESS_POLICY_ARN }));
    // WHEN a second execution records it and runs AttachVpcAccessPolicy again
    const execution = executionNamed('exec-repeat-policy-2');
    const original = await recordFunction(clients, { execution, request: first.request });
    await emulator.clearCalls();
    const second = await attachVpcAccessPolicy(clients, { ...first.state, execution, function: { original } });
    // THEN nothing changes and the role stays without the policy
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(second).toMatchObject({ policyAttachedByExecution: false, ledger: [] });
    expect(await policiesOf('repeat-policy-fn-role')).not.toContain(VPC_ACCESS_POLICY_ARN);
  });

  it('defers the decision for a function already in a VPC when the network is not known yet (a repeated request may find it in place): nothing attached, and the Parallel decides', async () => {
    // GIVEN a function on the network's subnets whose role is again without the policy
    const first = await prepare('in-vpc-policy-fn');
    await attachVpcAccessPolicy(clients, first.state);
    await attachFunction(clients, first.state);
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'in-vpc-policy-fn-role', PolicyArn: VPC_ACCESS_POLICY_ARN }));
    // WHEN a second execution runs it before the network's tasks (no slices in its state)
    const execution = executionNamed('exec-in-vpc-policy-2');
    const original = await recordFunction(clients, { execution, request: first.request });
    const second = await attachVpcAccessPolicy(clients, { execution, request: first.request, function: { original } });
    // THEN it attaches nothing and says it has not decided
    expect(second).toEqual({ policyAttachedByExecution: false, roleName: 'in-vpc-policy-fn-role', policyArn: VPC_ACCESS_POLICY_ARN, ledger: [], deferred: true });
    expect(await policiesOf('in-vpc-policy-fn-role')).not.toContain(VPC_ACCESS_POLICY_ARN);
    // AND with the network's slices (the Parallel's run) it finds the function in place: still nothing to attach
    const decided = await attachVpcAccessPolicy(clients, { ...first.state, execution, function: { original } });
    expect(decided).toMatchObject({ policyAttachedByExecution: false, ledger: [] });
    expect(decided.deferred).toBeUndefined();
  });

  it('fails clearly when RecordFunction has not run', async () => {
    const { state } = await prepare('unrecorded-policy-fn');
    const { function: _function, ...withoutRecord } = state;
    await expect(attachVpcAccessPolicy(clients, withoutRecord as AttachFunctionInput)).rejects.toThrow(/RecordFunction must run before AttachVpcAccessPolicy/);
  });
});
