import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNatGatewaysCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/report-result';
import { TAG_EXECUTION, TAG_MANAGED } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { describeTopology } from './topology';

/**
 * natGateways "regional" end to end. moto does not know regional NAT gateways: the fault proxy answers
 * CreateNatGateway (AvailabilityMode=regional), DescribeNatGateways and DeleteNatGateway of those in AWS's
 * documented shape (local/regional-nat-gateways.ts); every other call runs on moto.
 */
const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } };

async function natGatewaysOfVpc(vpcId: string) {
  return (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ?? [];
}

describe('natGateways "regional" (regional NAT gateway answered by the fault proxy; the rest on moto)', () => {
  it('create mode: one regional NAT gateway, no public subnet, every private subnet routed to it, tagged and ledgered; the probe and the reachability analysis pass through it', async () => {
    // GIVEN a user function outside any VPC
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());

    // WHEN the workflow runs with natGateways "regional" on 2 AZs
    const run = await provision({ functionName, network: { name: 'regional', natGateways: 'regional' } });

    // THEN it succeeds with a single regional NAT gateway and only private subnets
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    const topology = await describeTopology(result.network.vpcId);
    expect(result.network.publicSubnetIds).toEqual([]);
    expect(topology.subnets).toHaveLength(2);
    expect(new Set(topology.subnets.map((subnet) => subnet.az)).size).toBe(2);
    const nats = await natGatewaysOfVpc(result.network.vpcId);
    expect(nats.map((nat) => [nat.AvailabilityMode, nat.SubnetId, nat.State])).toEqual([['regional', undefined, 'available']]);
    const natId = nats[0]!.NatGatewayId!;
    // the internet gateway is still there (the regional NAT gateway leaves through it)
    expect(topology.internetGatewayIds).toEqual([result.network.internetGatewayId]);
    // every private subnet: 0.0.0.0/0 -> the regional NAT gateway
    expect(topology.subnets.map((subnet) => subnet.defaultRoute)).toEqual([natId, natId]);
    // tagged at creation, ledgered once, reported
    const tags = Object.fromEntries((nats[0]!.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
    expect([tags[TAG_MANAGED], tags[TAG_EXECUTION]]).toEqual(['true', run.executionArn]);
    expect(result.ledger.filter((entry) => entry.kind === 'nat-gateway').map((entry) => entry.id)).toEqual([natId]);
    expect(result.ledger.filter((entry) => entry.kind === 'elastic-ip')).toEqual([]);
    expect(result.network.natGateways).toEqual([{ az: 'regional', natTargetId: natId, natGatewayId: natId }]);
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(new Set(config.VpcConfig?.SubnetIds)).toEqual(new Set(result.network.privateSubnetIds));
    expect(result.probe.reachability).toMatchObject({ verdict: 'PASS' });
  });

  it('a second run of the same request makes no mutating EC2 call and keeps the same network', async () => {
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe(), passingProbe());
    const request = { functionName, network: { name: 'regional', natGateways: 'regional' } };
    const first = await provision(request);
    expect(first.status).toBe('SUCCEEDED');
    await emulator.clearCalls();

    const second = await provision(request);

    expect(second.status).toBe('SUCCEEDED');
    const ec2Calls = (await emulator.calls()).filter((call) => call.service === 'ec2');
    expect(mutatingCalls(ec2Calls)).toEqual([]);
    expect((second.output as ProvisionResult).network).toEqual((first.output as ProvisionResult).network);
    expect((second.output as ProvisionResult).ledger).toEqual([]);
  });

  it('waits while the regional NAT gateway is pending (state injected), then succeeds', async () => {
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    await emulator.inject({
      service: 'ec2',
      action: 'DescribeNatGateways',
      nth: 2,
      times: 2,
      fault: { type: 'rewrite', replacements: [{ pattern: '<state>available</state>', replacement: '<state>pending</state>' }] },
    });

    const run = await provision({ functionName, network: { name: 'regional', natGateways: 'regional' } });

    expect(run.status).toBe('SUCCEEDED');
    expect(timesEntered(run, 'WaitForNatGateways')).toBeGreaterThanOrEqual(1);
  });

  it('rolls back completely when the probe fails: the regional NAT gateway is deleted and nothing of the execution is left', async () => {
    // GIVEN a probe that never reaches the internet
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(...Array.from({ length: 5 }, () => failingProbe));

    // WHEN the workflow runs in regional mode
    const run = await provision({ functionName, network: { name: 'regional', natGateways: 'regional' } });

    // THEN it fails, Rollback deleted the regional NAT gateway with the rest, and the function is as it was
    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFailed']);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    const regional = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways?.filter((nat) => nat.AvailabilityMode === 'regional') ?? [];
    expect(regional.map((nat) => nat.State)).toEqual(['deleted']);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });

  it("existing VPC: the audit counts the VPC's regional NAT gateway as usable for every AZ and creates no NAT gateway", async () => {
    // GIVEN a user VPC with an internet gateway, and two private subnets in two AZs routed to its regional NAT gateway
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const nat = (await ec2.send(new CreateNatGatewayCommand({ VpcId: vpcId, AvailabilityMode: 'regional', ConnectivityType: 'public' }))).NatGateway!.NatGatewayId!;
    const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }));
    const subnetIds: string[] = [];
    for (const [index, az] of ['us-east-1a', 'us-east-1b'].entries()) {
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.60.${index * 64}.0/18`, AvailabilityZone: az }))).Subnet!.SubnetId!;
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: subnetId }));
      subnetIds.push(subnetId);
    }
    await emulator.clearCalls();

    // WHEN lambda-egress provisions into it (default natGateways "per-az")
    const run = await provision({ functionName, network: { name: 'existing', vpcId } });

    // THEN no NAT gateway, EIP or subnet is created: both AZs use the regional NAT gateway as they are
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const created = (await emulator.calls()).filter((call) => /^(CreateNatGateway|AllocateAddress|CreateSubnet)$/.test(call.action));
    expect(created).toEqual([]);
    const result = run.output as ProvisionResult;
    expect(new Set(result.network.privateSubnetIds)).toEqual(new Set(subnetIds));
    expect(result.network.natGateways).toEqual([{ az: 'regional', natTargetId: nat, natGatewayId: nat }]);
    expect(result.probe.reachability).toMatchObject({ verdict: 'PASS' });
  });
});
