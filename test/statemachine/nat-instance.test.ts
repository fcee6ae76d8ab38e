import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { listNetworks } from '../../functions/inventory/list-networks';
import { AL2023_ARM64_PARAMETER, NAT_INSTANCE_USER_DATA } from '../../functions/network/nat-instance-launch';
import type { ProvisionResult } from '../../functions/report/report-result';
import { estimateModeCost } from '../../functions/network/mode-cost';
import { registryTableName } from '../../functions/shared/registry/table';
import { TAG_EXECUTION, TAG_MANAGED } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { describeTopology } from './topology';

/**
 * natGateways "instance" end to end on moto: per AZ a security group, a fixed ENI with its Elastic IP, a launch
 * template and an Auto Scaling group of one whose instance carries the fixed ENI as its primary interface (moto does
 * so through local/moto-python/sitecustomize.py, as AWS does).
 */
const ec2 = new EC2Client({});
const autoscaling = new AutoScalingClient({});
const lambda = new LambdaClient({});
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } };
const tagsOf = (tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined) => Object.fromEntries((tags ?? []).map((tag) => [tag.Key, tag.Value]));

describe('natGateways "instance" (NAT instances on moto)', () => {
  it('create mode: one NAT instance per AZ behind a fixed ENI that the private routes target, IMDSv2 only, no SSH, tagged and ledgered (the ENI is the only interface of its instance, and the analysis passes through it)', async () => {
    // GIVEN a user function outside any VPC
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());

    // WHEN the workflow runs with natGateways "instance" on 2 AZs and a t4g.micro
    const run = await provision({ functionName, network: { name: 'nat-instance', natGateways: 'instance', natInstanceType: 't4g.micro' } });

    // THEN it succeeds without any NAT gateway
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    const calls = (await emulator.calls()).map((call) => call.action);
    expect(calls).not.toContain('CreateNatGateway');
    // each private subnet routes 0.0.0.0/0 to its own AZ's fixed ENI
    const topology = await describeTopology(result.network.vpcId);
    const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [result.network.vpcId] }] }))).NetworkInterfaces ?? [];
    const fixed = enis.filter((eni) => tagsOf(eni.TagSet)['lambda-egress:role'] === 'nat-instance-eni');
    expect(fixed).toHaveLength(2);
    expect(new Set(topology.subnets.filter((subnet) => result.network.privateSubnetIds.includes(subnet.subnetId)).map((subnet) => subnet.defaultRoute))).toEqual(new Set(fixed.map((eni) => eni.NetworkInterfaceId)));
    for (const eni of fixed) {
      // in a public subnet, source/destination check off, an Elastic IP, tagged at creation by this execution
      expect(result.network.publicSubnetIds).toContain(eni.SubnetId);
      expect(eni.SourceDestCheck).toBe(false);
      expect(eni.Association?.PublicIp).toBeDefined();
      expect([tagsOf(eni.TagSet)[TAG_MANAGED], tagsOf(eni.TagSet)[TAG_EXECUTION]]).toEqual(['true', run.executionArn]);
      // its own security group: inbound only from the VPC's CIDR, no SSH from anywhere
      const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: eni.Groups?.map((g) => g.GroupId!) }))).SecurityGroups![0]!;
      expect(group.IpPermissions?.map((rule) => [rule.IpProtocol, rule.IpRanges?.map((range) => range.CidrIp)])).toEqual([['-1', ['10.0.0.0/16']]]);
    }
    // one Auto Scaling group of one per AZ, on a launch template that puts the fixed ENI on the instance
    const groups = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
    expect(groups.map((group) => [group.MinSize, group.MaxSize, group.DesiredCapacity])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    for (const group of groups) {
      expect(tagsOf(group.Tags)[TAG_EXECUTION]).toBe(run.executionArn);
      const version = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: group.LaunchTemplate!.LaunchTemplateId }))).LaunchTemplateVersions![0]!;
      const data = version.LaunchTemplateData!;
      expect(data.ImageId).toBe(`resolve:ssm:${AL2023_ARM64_PARAMETER}`);
      expect(data.InstanceType).toBe('t4g.micro');
      expect(data.MetadataOptions?.HttpTokens).toBe('required');
      expect(data.KeyName).toBeUndefined();
      expect(fixed.map((eni) => eni.NetworkInterfaceId)).toContain(data.NetworkInterfaces?.[0]?.NetworkInterfaceId);
      expect(Buffer.from(data.UserData ?? '', 'base64').toString('utf8')).toBe(NAT_INSTANCE_USER_DATA);
    }
    // ledgered once each, reported under the network's NATs by their ENI
    const ledgered = (kind: string) => result.ledger.filter((entry) => entry.kind === kind).map((entry) => entry.id);
    expect(ledgered('auto-scaling-group').sort()).toEqual(groups.map((group) => group.AutoScalingGroupName).sort());
    expect(ledgered('nat-instance-eni').sort()).toEqual(fixed.map((eni) => eni.NetworkInterfaceId).sort());
    expect(ledgered('launch-template')).toHaveLength(2);
    expect(ledgered('nat-gateway')).toEqual([]);
    expect(new Set(result.network.natGateways.map((nat) => nat.natTargetId))).toEqual(new Set(fixed.map((eni) => eni.NetworkInterfaceId)));
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(new Set(config.VpcConfig?.SubnetIds)).toEqual(new Set(result.network.privateSubnetIds));
    // each group's one instance carries its AZ's fixed ENI as its only (primary) interface: no other interface
    // exists in the VPC
    const instanceIds = groups.map((group) => group.Instances?.map((instance) => instance.InstanceId));
    expect(instanceIds.map((ids) => ids?.length)).toEqual([1, 1]);
    expect(new Set(fixed.map((eni) => [eni.Attachment?.InstanceId, eni.Attachment?.DeviceIndex, eni.Attachment?.Status].join(' ')))).toEqual(new Set(instanceIds.map((ids) => `${ids![0]} 0 attached`)));
    expect(enis.map((eni) => eni.NetworkInterfaceId).sort()).toEqual(fixed.map((eni) => eni.NetworkInterfaceId).sort());
    // so the reachability analysis passes through a NAT instance's network interface
    expect(result.probe.reachability).toMatchObject({ verdict: 'PASS' });
    expect(JSON.stringify(result.probe.reachability)).toMatch(/eni-[0-9a-f]+ is a NAT instance network interface \(on i-/);
  });

  it('a second run of the same request makes no mutating call and keeps the same network; `networks` lists it without drift, priced as NAT instances', async () => {
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe(), passingProbe());
    const request = { functionName, network: { name: 'nat-instance', natGateways: 'instance' } };
    const first = await provision(request);
    expect(first.status).toBe('SUCCEEDED');
    await emulator.clearCalls();

    const second = await provision(request);

    expect(second.status).toBe('SUCCEEDED');
    const networkCalls = (await emulator.calls()).filter((call) => call.service === 'ec2' || call.service === 'autoscaling');
    expect(mutatingCalls(networkCalls)).toEqual([]);
    expect((second.output as ProvisionResult).network).toEqual((first.output as ProvisionResult).network);
    expect((second.output as ProvisionResult).ledger).toEqual([]);
    // AND `networks` lists it without drift, priced as two NAT instances (no per-GB charge)
    const inventory = await listNetworks({ registry: { dynamodb: new DynamoDBClient({}), tableName: registryTableName() }, ec2, lambda }, { gbPerMonth: 100 });
    const listed = inventory.networks.find((network) => network.name === 'nat-instance');
    expect([listed?.drift, listed?.natGateways.live, listed?.monthlyCost.totalUsd]).toEqual([[], 2, estimateModeCost('instance', { azCount: 2, gbPerMonth: 100 }).totalUsd]);
  });

  it('rolls back completely when the probe fails: Auto Scaling groups, launch templates, ENIs, Elastic IPs and groups are gone', async () => {
    // GIVEN a probe that never reaches the internet
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(...Array.from({ length: 5 }, () => failingProbe));

    // WHEN the workflow runs in instance mode
    const run = await provision({ functionName, network: { name: 'nat-instance', natGateways: 'instance' } });

    // THEN it fails, and nothing the execution created is left
    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFailed']);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    expect((await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
    expect((await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    // the instances that carried the fixed ENIs are terminated, and no network interface is left at all
    expect((await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces).toEqual([]);
    const instances = ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
    expect(instances.map((instance) => instance.State?.Name)).toEqual(['terminated', 'terminated']);
    expect((await ec2.send(new DescribeAddressesCommand({}))).Addresses).toEqual([]);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });

  it('rollback waits while Auto Scaling is still busy with a group (ScalingActivityInProgress injected by the fault proxy), then removes it all', async () => {
    // GIVEN a failing probe, and Auto Scaling refusing the first DeleteAutoScalingGroup while it scales
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(...Array.from({ length: 5 }, () => failingProbe));
    await emulator.inject({ service: 'autoscaling', action: 'DeleteAutoScalingGroup', nth: 1, fault: { type: 'error', code: 'ScalingActivityInProgress', status: 400 } });

    // WHEN the workflow runs and rolls back
    const run = await provision({ functionName, network: { name: 'nat-instance', natGateways: 'instance' } });

    // THEN Rollback tried again (ResourceStillInUse) and left nothing: group, launch template and ENI after it
    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFailed']);
    const deletes = (await emulator.calls()).filter((call) => call.action === 'DeleteAutoScalingGroup');
    expect(deletes[0]?.injected).toBe('error');
    // the refused group is deleted on the next pass: one more call than there are groups
    expect(deletes.length).toBe(3);
    expect((await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
    expect((await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
  });

  it("existing VPC: the audit counts the VPC's NAT instance (a route to its network interface) as usable, creates no NAT, and the reachability analysis passes through it", async () => {
    // GIVEN a user VPC with a NAT instance in its public subnet (source/destination check off, an Elastic IP)
    // and two private subnets in two AZs whose default route targets the instance's network interface
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const publicSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.61.250.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: publicSubnet }));
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: publicSubnet }))).NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, SourceDestCheck: { Value: false } }));
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    await ec2.send(new AssociateAddressCommand({ AllocationId: eip, NetworkInterfaceId: eni }));
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0user000000000000', InstanceType: 't4g.nano', MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: eni }] }));
    const privateTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: eni }));
    const subnetIds: string[] = [];
    for (const [index, az] of ['us-east-1a', 'us-east-1b'].entries()) {
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.61.${index * 64}.0/18`, AvailabilityZone: az }))).Subnet!.SubnetId!;
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: subnetId }));
      subnetIds.push(subnetId);
    }
    await emulator.clearCalls();

    // WHEN lambda-egress provisions into it (default natGateways "per-az")
    const run = await provision({ functionName, network: { name: 'existing', vpcId } });

    // THEN nothing NAT-like is created: both AZs use the NAT instance as they are, and the analysis follows it
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const created = (await emulator.calls()).filter((call) => /^(CreateNatGateway|AllocateAddress|CreateSubnet|CreateNetworkInterface|CreateAutoScalingGroup|CreateRoute)$/.test(call.action));
    expect(created).toEqual([]);
    const result = run.output as ProvisionResult;
    expect(new Set(result.network.privateSubnetIds)).toEqual(new Set(subnetIds));
    expect(result.network.natGateways.map((nat) => nat.natTargetId)).toEqual([eni]);
    expect(result.probe.reachability).toMatchObject({ verdict: 'PASS' });
    expect(JSON.stringify(result.probe.reachability)).toContain(`${eni} is a NAT instance network interface`);
  });
});
