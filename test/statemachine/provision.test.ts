import { EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/report-result';
import { registryTask, type LocalRunResult } from '../../statemachine/local-runner';
import { emulator } from '../../local/test-support/emulator-control';
import { callsBeforeFirst, freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { resourcesTaggedWith } from '../support/tagged-network';
import { publicOnlyVpc } from '../support/scenarios';
import { describeTopology } from './topology';

const lambda = new LambdaClient({});
const ec2 = new EC2Client({});
const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

describe('provision.asl.json end to end (local runner + real handlers + moto)', () => {
  it('create mode, 2 AZs, per-AZ NAT, IPv6: reaches Succeed with the egress topology, the function on the private subnets and the policy detached again', async () => {
    // GIVEN a user function outside any VPC
    const { functionName, roleName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());

    // WHEN the workflow runs
    const run = await provision({ functionName, network: { name: 'egress', ipv6: true } });

    // THEN it succeeds
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    const topology = await describeTopology(result.network.vpcId);
    const publicIds = new Set(result.network.publicSubnetIds);
    const privateIds = new Set(result.network.privateSubnetIds);
    expect([publicIds.size, privateIds.size]).toEqual([2, 2]);
    const igw = result.network.internetGatewayId!;
    expect(topology.internetGatewayIds).toEqual([igw]);
    // public subnets: 0.0.0.0/0 and ::/0 -> the IGW
    for (const subnet of topology.subnets.filter((candidate) => publicIds.has(candidate.subnetId))) {
      expect(subnet).toMatchObject({ defaultRoute: igw, ipv6DefaultRoute: igw });
    }
    // private subnets: 0.0.0.0/0 -> the NAT of their own AZ (which sits in a public subnet), ::/0 -> the EIGW
    const privateSubnets = topology.subnets.filter((candidate) => privateIds.has(candidate.subnetId));
    expect(new Set(privateSubnets.map((subnet) => subnet.az)).size).toBe(2);
    for (const subnet of privateSubnets) {
      const nat = topology.natGateways.find((candidate) => candidate.id === subnet.defaultRoute);
      const natSubnet = topology.subnets.find((candidate) => candidate.subnetId === nat?.subnetId);
      expect([subnet.subnetId, publicIds.has(natSubnet?.subnetId ?? ''), natSubnet?.az]).toEqual([subnet.subnetId, true, subnet.az]);
      expect(subnet.ipv6DefaultRoute).toBe(result.network.egressOnlyInternetGatewayId);
    }
    expect(topology.natGateways).toHaveLength(2);
    // S3 gateway endpoint on both private route tables
    expect(topology.s3Endpoints).toHaveLength(1);
    expect(topology.s3Endpoints[0]!.routeTableIds).toEqual(expect.arrayContaining(privateSubnets.map((subnet) => subnet.routeTableId)));
    // the function: private subnets + the egress SG; the policy attached for the update was detached again
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(new Set(config.VpcConfig?.SubnetIds)).toEqual(privateIds);
    expect(config.VpcConfig?.SecurityGroupIds).toEqual([result.network.securityGroupId]);
    expect((await functionSnapshot(functionName, roleName)).policies).not.toContain(VPC_ACCESS);
    expect(result.function.vpcAccessPolicy).toMatchObject({ attachedByExecution: true, detached: true });
    // the output contract: probe verdict, a ledger listing each created id once, per-step timings
    expect(result.probe.passed).toBe(true);
    const ids = result.ledger.map((entry) => `${entry.kind}:${entry.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([`vpc:${result.network.vpcId}`, `internet-gateway:${igw}`, ...topology.natGateways.map((nat) => `nat-gateway:${nat.id}`)]));
    expect(result.timings.map((timing) => timing.task)).toEqual(expect.arrayContaining(['ValidateRequest', 'EnsureVpc', 'EnsureNatGateway', 'AttachFunction', 'RunProbe']));
  });

  it('existing mode: a VPC with public subnets only gets NAT gateways and private routing, and reaches Succeed', async () => {
    // GIVEN the user's VPC with an IGW and two public subnets
    const { functionName } = await freshAccountWithFunction();
    const vpcId = await publicOnlyVpc();
    await queueProbeAnswers(passingProbe());

    const run = await provision({ functionName, network: { vpcId, name: 'existing' } });

    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    expect(result.network).toMatchObject({ mode: 'existing', vpcId });
    const topology = await describeTopology(vpcId);
    const privateSubnets = topology.subnets.filter((subnet) => result.network.privateSubnetIds.includes(subnet.subnetId));
    expect(privateSubnets.length).toBeGreaterThanOrEqual(1);
    for (const subnet of privateSubnets) {
      const nat = topology.natGateways.find((candidate) => candidate.id === subnet.defaultRoute);
      expect([subnet.subnetId, nat?.state]).toEqual([subnet.subnetId, 'available']);
    }
    // the user's IGW is used, not a second one
    expect(topology.internetGatewayIds).toHaveLength(1);
    expect(result.ledger.map((entry) => entry.kind)).not.toContain('vpc');
    expect(result.ledger.map((entry) => entry.kind)).not.toContain('internet-gateway');
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(new Set(config.VpcConfig?.SubnetIds)).toEqual(new Set(result.network.privateSubnetIds));
  });

  it('a second execution of the same request creates nothing and succeeds with the same network', async () => {
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe(), passingProbe());
    const first = await provision({ functionName, network: { name: 'shared' } });
    await emulator.clearCalls();

    const second = await provision({ functionName, network: { name: 'shared' } });

    expect(second.status).toBe('SUCCEEDED');
    const created = (await emulator.calls()).filter((call) => /^(Create|Allocate)/.test(call.action)).map((call) => call.action);
    expect(created).toEqual([]);
    const [a, b] = [first.output as ProvisionResult, second.output as ProvisionResult];
    expect(b.network).toEqual(a.network);
    expect(b.ledger).toEqual([]);
  });

  it('waits k loops while the NAT gateways are pending (state injected), then succeeds', async () => {
    const run = await runWithFirstPollsRewritten('CheckNatGateways', { service: 'ec2', action: 'DescribeNatGateways' }, 3, '<state>available</state>', '<state>pending</state>');
    // THEN it waited exactly 3 times (the long first wait, then two short ones) and succeeded
    expect(run.status).toBe('SUCCEEDED');
    expect([timesEntered(run, 'FirstWaitForNatGateways'), timesEntered(run, 'WaitForNatGateways')]).toEqual([1, 2]);
    expect((run.output as ProvisionResult).waits.natGatewayChecks).toBe(3);
  });

  it('fails NatGatewayTimeout when the NAT gateways stay pending, and rolls everything back', async () => {
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await emulator.inject({
      service: 'ec2',
      action: 'DescribeNatGateways',
      times: -1,
      fault: { type: 'rewrite', replacements: [{ pattern: '<state>available</state>', replacement: '<state>pending</state>' }] },
    });

    const run = await provision({ functionName });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('NatGatewayTimeout');
    // after 60 s + 180 x 3 s = 10 minutes of waits, the budget of AWS's own NatGatewayAvailable waiter
    expect([timesEntered(run, 'FirstWaitForNatGateways'), timesEntered(run, 'WaitForNatGateways')]).toEqual([1, 180]);
    expect(timesEntered(run, 'Rollback')).toBe(1);
    await emulator.clearFaults();
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });

  it('fails FunctionUpdateTimeout when the function update stays InProgress, and still rolls everything back (the loop is outside any Parallel)', async () => {
    // GIVEN a function whose update reads InProgress for all 300 checks (attempts 0..299), and Successful after:
    // the rule is set when CheckFunctionUpdate first starts, from that moment's count of the account's reads
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(passingProbe());
    let injected = false;
    const resolveTask = (name: string) => {
      const real = registryTask(name);
      if (name !== 'CheckFunctionUpdate') return real;
      return async (input: unknown) => {
        if (!injected) {
          injected = true;
          const reads = (await emulator.calls()).filter((call) => call.action === 'GetFunctionConfiguration').length;
          await emulator.inject({
            service: 'lambda',
            action: 'GetFunctionConfiguration',
            nth: reads + 1,
            times: 300,
            fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] },
          });
        }
        return real(input);
      };
    };

    const run = await provision({ functionName }, { resolveTask });

    // THEN it failed by name after 2 s + 298 x 1 s of waits (the FunctionUpdated waiter's 5 minutes), through
    // Rollback, which put the function and its role back
    expect([run.status, run.error]).toEqual(['FAILED', 'FunctionUpdateTimeout']);
    expect([timesEntered(run, 'FirstWaitForFunctionUpdate'), timesEntered(run, 'WaitForFunctionUpdate')]).toEqual([1, 298]);
    expect(timesEntered(run, 'Rollback')).toBe(1);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });

  it('fails ProbeFunctionTimeout when the probe function stays Pending, never touching the function, and rolls everything back', async () => {
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    // GetFunction #1 is EnsureProbeFunction's own look (not found); from #2 on the probe function reads Pending
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunction',
      nth: 2,
      times: -1,
      fault: { type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: '"State": "Pending"' }] },
    });

    const run = await provision({ functionName });

    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFunctionTimeout']);
    // after 120 waits of 5 s: 10 minutes
    expect(timesEntered(run, 'WaitForProbeFunction')).toBe(120);
    expect(timesEntered(run, 'AttachFunction')).toBe(0);
    expect(timesEntered(run, 'Rollback')).toBe(1);
    await emulator.clearFaults();
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions?.map((fn) => fn.FunctionName)).toEqual([functionName]);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });

  it('waits while the function update is InProgress (state injected), then succeeds', async () => {
    const run = await runWithFirstPollsRewritten('CheckFunctionUpdate', { service: 'lambda', action: 'GetFunctionConfiguration' }, 2, '"LastUpdateStatus": ?"Successful"', '"LastUpdateStatus": "InProgress"');
    expect(run.status).toBe('SUCCEEDED');
    expect([timesEntered(run, 'FirstWaitForFunctionUpdate'), timesEntered(run, 'WaitForFunctionUpdate')]).toEqual([1, 1]);
  });
});

/**
 * GIVEN how many `call`s come before `poller` first runs (measured in a clean run), WHEN a fresh account's
 * run has the first `times` answers to that poller rewritten, returns that run.
 */
async function runWithFirstPollsRewritten(
  poller: string,
  call: { service: string; action: string },
  times: number,
  pattern: string,
  replacement: string,
): Promise<LocalRunResult> {
  const measured = callsBeforeFirst(poller, call.action);
  const clean = await freshAccountWithFunction();
  await queueProbeAnswers(passingProbe());
  expect((await provision({ functionName: clean.functionName }, { resolveTask: measured.resolveTask })).status).toBe('SUCCEEDED');

  const again = await freshAccountWithFunction();
  await queueProbeAnswers(passingProbe());
  await emulator.inject({ ...call, nth: measured.count() + 1, times, fault: { type: 'rewrite', replacements: [{ pattern, replacement }] } });
  return provision({ functionName: again.functionName });
}
