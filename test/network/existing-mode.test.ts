import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { auditExistingVpc } from '../../functions/network/audit';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { TAG_EXECUTION, TAG_NETWORK, tagValue } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { AZS, completeVpc, createSubnet, publicOnlyVpc, routeTableJson, transitGatewayVpc } from '../support/existing-vpcs';
import { execution, idsOf, runNetworkTasks } from '../support/workflow';

const ec2 = new EC2Client({});
const clients = { ec2, iam: undefined as never, lambda: undefined as never };

const tablesOf = async (vpcId: string) => (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!;
const effectiveTable = (tables: RouteTable[], subnetId: string) =>
  tables.find((table) => table.Associations?.some((association) => association.SubnetId === subnetId)) ?? tables.find((table) => table.Associations?.some((association) => association.Main));
const defaultTarget = (table: RouteTable | undefined) => {
  const route = table?.Routes?.find((candidate) => candidate.DestinationCidrBlock === '0.0.0.0/0');
  return route?.NatGatewayId ?? route?.GatewayId ?? route?.TransitGatewayId;
};
const existing = (vpcId: string, network: Record<string, unknown> = {}) => ({ functionName: 'legacy-fn', network: { vpcId, ...network } });
const audit = async (vpcId: string, network: Record<string, unknown> = {}) => {
  const state = await validateRequest({ input: existing(vpcId, network), execution: execution('audit') });
  return auditExistingVpc(clients, state);
};

describe('existing mode: (a) a VPC with public subnets only', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('audits it: two public subnets, IGW present; plans a private subnet per AZ in free space and a NAT in each public subnet', async () => {
    // GIVEN an IGW, a public route table and a public subnet per AZ
    const vpc = await publicOnlyVpc(ec2, 11);
    // WHEN it is audited
    const result = await audit(vpc.vpcId);
    // THEN both subnets are public, and the plan adds one private subnet and one NAT per AZ, and no IGW
    expect(result.subnets.map((subnet) => [subnet.subnetId, subnet.class, subnet.routeTableId])).toEqual(
      vpc.publicSubnetIds.map((subnetId) => [subnetId, 'public', vpc.publicRouteTableId]),
    );
    expect(result.internetGatewayId).toBe(vpc.internetGatewayId);
    expect(result.plan).toEqual({
      createInternetGateway: false,
      subnetsToCreate: [
        { az: 'us-east-1a', tier: 'private', cidr: '10.11.2.0/24' },
        { az: 'us-east-1b', tier: 'private', cidr: '10.11.3.0/24' },
      ],
      azs: vpc.publicSubnetIds.map((subnetId, index) => ({ az: AZS[index], privateRouting: 'dedicated-table', nat: { placement: 'new', subnetId } })),
    });
    expect(result.missing).toEqual(expect.arrayContaining([expect.stringContaining('us-east-1a: a NAT gateway'), expect.stringContaining('us-east-1b: a private subnet (10.11.3.0/24)')]));
    expect(result.reported).toEqual([]);
  });

  it('adds a NAT per AZ and private routing, leaves the public route table as it was, and finds it all again on a second run', async () => {
    // GIVEN the public-only VPC
    const vpc = await publicOnlyVpc(ec2, 12);
    const publicTableBefore = await routeTableJson(ec2, vpc.publicRouteTableId!);
    // WHEN the network tasks run on it
    const run = await runNetworkTasks(existing(vpc.vpcId), 'repair-a');
    // THEN a NAT sits in each public subnet, and each new private subnet routes to the NAT of its own AZ
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpc.vpcId] }] }))).NatGateways!;
    expect(nats.map((nat) => nat.SubnetId).sort()).toEqual([...vpc.publicSubnetIds].sort());
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.vpcId] }] }))).Subnets!;
    const azOf = (subnetId: string | undefined) => subnets.find((subnet) => subnet.SubnetId === subnetId)?.AvailabilityZone;
    const tables = await tablesOf(vpc.vpcId);
    expect(run.network.subnets.privateSubnetIds).toHaveLength(2);
    for (const subnetId of run.network.subnets.privateSubnetIds) {
      const created = subnets.find((subnet) => subnet.SubnetId === subnetId)!;
      expect(tagValue(created.Tags, TAG_EXECUTION)).toBe(run.execution.id);
      const natId = defaultTarget(effectiveTable(tables, subnetId));
      expect(azOf(nats.find((nat) => nat.NatGatewayId === natId)?.SubnetId)).toBe(azOf(subnetId));
    }
    // AND the function is never placed in a public subnet
    expect(run.network.subnets.privateSubnetIds).not.toEqual(expect.arrayContaining([vpc.publicSubnetIds[0]]));
    expect(run.network.subnets.publicSubnetIds).toEqual(vpc.publicSubnetIds);
    // AND the user's public route table is byte-identical, and the IGW is theirs (not ledgered)
    expect(await routeTableJson(ec2, vpc.publicRouteTableId!)).toBe(publicTableBefore);
    expect(run.network.internetGateway).toMatchObject({ internetGatewayId: vpc.internetGatewayId, ledger: [] });
    expect(run.ledger.map((entry) => entry.kind).sort()).toEqual(
      [
        ...Array(2).fill('subnet'),
        'security-group',
        ...Array(2).fill('elastic-ip'),
        ...Array(2).fill('nat-gateway'),
        ...Array(2).fill('route-table'),
        ...Array(2).fill('route'),
        ...Array(2).fill('route-table-association'),
        'vpc-endpoint',
      ].sort(),
    );
    expect(run.network.s3Endpoint.vpcEndpointId).toMatch(/^vpce-/);

    // WHEN a second execution runs on the repaired VPC
    await emulator.clearCalls();
    const again = await runNetworkTasks(existing(vpc.vpcId), 'repair-a-again');
    // THEN it changes nothing and uses the same network
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(idsOf(again)).toEqual(idsOf(run));
    expect(again.ledger).toEqual([]);
  });

  it('with natGateways "single" adds one NAT, which every new private subnet uses', async () => {
    // A second VPC of the account: a network name of its own ("default" is bound to the first one).
    const vpc = await publicOnlyVpc(ec2, 13);
    const run = await runNetworkTasks(existing(vpc.vpcId, { name: 'single', natGateways: 'single', s3Endpoint: false }), 'repair-a-single');
    expect(run.network.natGateways.map((nat) => nat.subnetId)).toEqual([vpc.publicSubnetIds[0]]);
    const tables = await tablesOf(vpc.vpcId);
    expect(run.network.subnets.privateSubnetIds.map((subnetId) => defaultTarget(effectiveTable(tables, subnetId)))).toEqual([run.network.natGateways[0]!.natTargetId, run.network.natGateways[0]!.natTargetId]);
  });
});

describe('existing mode: (b) a VPC whose IGW, NATs and private routing are already right', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('plans nothing, and the tasks create nothing but the function\'s egress-only security group', async () => {
    // GIVEN the guide's topology built by hand
    const vpc = await completeVpc(ec2);
    const before = await Promise.all([vpc.publicRouteTableId!, ...vpc.privateRouteTableIds].map((id) => routeTableJson(ec2, id)));
    // WHEN it is audited
    const result = await audit(vpc.vpcId);
    // THEN every private subnet is ready through the NAT of its AZ, and the plan has nothing to create
    expect(result.plan).toEqual({
      createInternetGateway: false,
      subnetsToCreate: [],
      azs: AZS.map((az, index) => ({
        az,
        privateSubnetId: vpc.privateSubnetIds[index],
        privateRouting: 'ready',
        nat: { placement: 'existing', natTargetId: vpc.natGatewayIds[index], az, subnetId: vpc.publicSubnetIds[index] },
      })),
    });
    expect(result.cannotFix).toEqual([]);

    // WHEN the network tasks run
    await emulator.clearCalls();
    const run = await runNetworkTasks(existing(vpc.vpcId), 'repair-b');
    // THEN the only change is the security group the function needs, and everything else is the user's
    expect(mutatingCalls(await emulator.calls())).toEqual(['CreateSecurityGroup']);
    expect(run.network.subnets.privateSubnetIds).toEqual(vpc.privateSubnetIds);
    expect(run.network.natGateways.map((nat) => nat.natTargetId)).toEqual(vpc.natGatewayIds);
    expect(run.network.routeTables.privateRouteTables).toEqual(
      AZS.map((az, index) => ({ az, routeTableId: vpc.privateRouteTableIds[index], subnetIds: [vpc.privateSubnetIds[index]], natTargetId: vpc.natGatewayIds[index] })),
    );
    expect(run.ledger.map((entry) => `${entry.kind}:${entry.id}`)).toEqual([`security-group:${run.network.securityGroup.groupId}`]);
    expect(run.network.s3Endpoint).toMatchObject({ ledger: [], skipped: expect.stringContaining('no private route table of lambda-egress') });
    expect(await Promise.all([vpc.publicRouteTableId!, ...vpc.privateRouteTableIds].map((id) => routeTableJson(ec2, id)))).toEqual(before);

    // AND a second execution does not even create that: it finds the group by its tags
    await emulator.clearCalls();
    const again = await runNetworkTasks(existing(vpc.vpcId), 'repair-b-again');
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(again.network.securityGroup.groupId).toBe(run.network.securityGroup.groupId);
  });
});

describe('existing mode: (c) a private subnet whose default route goes to a transit gateway', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('reports that subnet, leaves its route table byte-identical, and gives the function new private subnets instead', async () => {
    // GIVEN public subnets and a subnet routed 0.0.0.0/0 -> tgw-
    const vpc = await transitGatewayVpc(ec2);
    const [corporateSubnet] = vpc.privateSubnetIds;
    const [corporateTable] = vpc.privateRouteTableIds;
    const before = await routeTableJson(ec2, corporateTable!);
    // WHEN the network tasks run
    const run = await runNetworkTasks(existing(vpc.vpcId), 'repair-c');
    // THEN the audit classed it as routed elsewhere and the route tables slice reports it, naming the TGW
    const audited = run.network.audit.mode === 'existing' ? run.network.audit : undefined;
    expect(audited?.subnets.find((subnet) => subnet.subnetId === corporateSubnet)).toMatchObject({ class: 'routed-elsewhere', defaultRouteTarget: vpc.transitGatewayId, routeTableId: corporateTable });
    expect(run.network.routeTables.reported).toEqual([
      { subnetId: corporateSubnet, routeTableId: corporateTable, target: vpc.transitGatewayId, reason: expect.stringContaining('left as they are') },
    ]);
    // AND its route table is byte-identical before and after
    expect(await routeTableJson(ec2, corporateTable!)).toBe(before);
    // AND the function gets new private subnets (one per AZ) routed to NATs, never that subnet
    expect(run.network.subnets.privateSubnetIds).not.toContain(corporateSubnet);
    expect(run.network.subnets.privateSubnetIds).toHaveLength(2);
    const tables = await tablesOf(vpc.vpcId);
    for (const subnetId of run.network.subnets.privateSubnetIds) expect(defaultTarget(effectiveTable(tables, subnetId))).toMatch(/^nat-/);
  });
});

describe('existing mode: isolated subnets', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('adds the NAT route to an isolated subnet\'s own route table, and moves one on the main table to a lambda-egress table', async () => {
    // GIVEN a public subnet per AZ, an isolated subnet in 1a on its own (route-less) table, and one in 1b on the main table
    const vpc = await publicOnlyVpc(ec2, 21);
    const ownTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc.vpcId }))).RouteTable!.RouteTableId!;
    const isolatedA = await createSubnet(ec2, vpc.vpcId, '10.21.32.0/20', AZS[0], ownTable);
    const isolatedB = await createSubnet(ec2, vpc.vpcId, '10.21.48.0/20', AZS[1]);
    const mainTable = (await tablesOf(vpc.vpcId)).find((table) => table.Associations?.some((association) => association.Main))!.RouteTableId!;
    const mainBefore = await routeTableJson(ec2, mainTable);
    // WHEN the network tasks run
    const run = await runNetworkTasks(existing(vpc.vpcId, { s3Endpoint: false }), 'isolated');
    // THEN both isolated subnets are the function's, no subnet was created
    expect(run.network.subnets.privateSubnetIds).toEqual([isolatedA, isolatedB]);
    expect(run.ledger.filter((entry) => entry.kind === 'subnet')).toEqual([]);
    const tables = await tablesOf(vpc.vpcId);
    const natOf = (az: string) => run.network.natGateways.find((nat) => nat.az === az)!.natTargetId;
    // AND 1a's own table got exactly one route, 0.0.0.0/0 -> the 1a NAT, ledgered for rollback
    expect(effectiveTable(tables, isolatedA)?.RouteTableId).toBe(ownTable);
    expect(defaultTarget(effectiveTable(tables, isolatedA))).toBe(natOf(AZS[0]));
    expect(run.ledger).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'route', id: `${ownTable}:0.0.0.0/0`, detail: { routeTableId: ownTable, destination: '0.0.0.0/0' } })]));
    // AND 1b moved to a lambda-egress table of its AZ routed to the 1b NAT, the main table unchanged
    const tableB = effectiveTable(tables, isolatedB)!;
    expect(tableB.RouteTableId).not.toBe(mainTable);
    expect(tagValue(tableB.Tags, TAG_NETWORK)).toBe('default');
    expect(defaultTarget(tableB)).toBe(natOf(AZS[1]));
    expect(await routeTableJson(ec2, mainTable)).toBe(mainBefore);
  });
});

describe('existing mode: a VPC without internet gateway, and an IPv6 VPC', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('adds the IGW, a public subnet per AZ on a lambda-egress public table, and NATs for isolated subnets on the main table', async () => {
    // GIVEN a VPC with two isolated subnets on its (local-only) main table and nothing else
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc!.VpcId!;
    const isolated = [await createSubnet(ec2, vpcId, '10.61.0.0/24', AZS[0]), await createSubnet(ec2, vpcId, '10.61.1.0/24', AZS[1])];
    // WHEN it is audited
    const planned = await audit(vpcId);
    // THEN the plan creates the IGW and a public subnet per AZ, and moves the isolated subnets off the main table
    expect(planned.plan).toEqual({
      createInternetGateway: true,
      subnetsToCreate: [
        { az: AZS[0], tier: 'public', cidr: '10.61.2.0/27' },
        { az: AZS[1], tier: 'public', cidr: '10.61.2.32/27' },
      ],
      azs: isolated.map((subnetId, index) => ({ az: AZS[index], privateSubnetId: subnetId, privateRouting: 'dedicated-table', nat: { placement: 'new' } })),
    });
    // WHEN the network tasks run
    const run = await runNetworkTasks(existing(vpcId, { s3Endpoint: false }), 'no-igw');
    // THEN the new IGW is attached and ledgered, the new public subnets route to it, and hold the NATs
    const igwId = run.network.internetGateway.internetGatewayId;
    expect(run.network.internetGateway.ledger.map((entry) => [entry.kind, entry.id, entry.detail])).toEqual([['internet-gateway', igwId, { vpcId }]]);
    const tables = await tablesOf(vpcId);
    const newPublic = run.network.subnets.publicSubnetIds;
    expect(newPublic).toHaveLength(2);
    for (const subnetId of newPublic) expect(defaultTarget(effectiveTable(tables, subnetId))).toBe(igwId);
    expect(run.network.natGateways.map((nat) => nat.subnetId).sort()).toEqual([...newPublic].sort());
    // AND the isolated subnets are the function's, each routed to the NAT of its AZ
    expect(run.network.subnets.privateSubnetIds).toEqual(isolated);
    for (const [index, subnetId] of isolated.entries()) {
      expect(defaultTarget(effectiveTable(tables, subnetId))).toBe(run.network.natGateways.find((nat) => nat.az === AZS[index])!.natTargetId);
    }
  });

  it('with IPv6 adds an egress-only gateway, ::/0 routes and new subnets on free /64s', async () => {
    // GIVEN a dual-stack VPC: public subnets (/64 #0, #1) routed to the IGW, an isolated subnet (/64 #2) on its own table in 1a
    const created = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.62.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
    const vpcId = created.VpcId!;
    const block = created.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!;
    const v6 = (index: number) => canonicalIpv6(block.replace(/00::\/56$/, `0${index}::/64`));
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationIpv6CidrBlock: '::/0', GatewayId: igwId }));
    const dualStack = async (cidr: string, index: number, az: string, table: string) => {
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, Ipv6CidrBlock: v6(index), AvailabilityZone: az }))).Subnet!.SubnetId!;
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: subnetId }));
      return subnetId;
    };
    await dualStack('10.62.0.0/24', 0, AZS[0], publicTable);
    await dualStack('10.62.1.0/24', 1, AZS[1], publicTable);
    const isolatedTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const isolated = await dualStack('10.62.16.0/20', 2, AZS[0], isolatedTable);
    // WHEN the network tasks run with IPv6 on
    const run = await runNetworkTasks(existing(vpcId, { name: 'dual-stack', ipv6: true, s3Endpoint: false }), 'existing-v6');
    // THEN an egress-only gateway was created for the VPC
    const eigw = run.network.internetGateway.egressOnlyInternetGatewayId!;
    expect(run.ledger).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'egress-only-internet-gateway', id: eigw })]));
    // AND the isolated subnet's own table got 0.0.0.0/0 -> the 1a NAT and ::/0 -> the EIGW, both ledgered
    const tables = await tablesOf(vpcId);
    const routes = effectiveTable(tables, isolated)!.Routes!;
    expect(routes.find((route) => route.DestinationIpv6CidrBlock === '::/0')?.EgressOnlyInternetGatewayId).toBe(eigw);
    expect(run.ledger.filter((entry) => entry.kind === 'route' && entry.id.startsWith(isolatedTable)).map((entry) => entry.id).sort()).toEqual([`${isolatedTable}:0.0.0.0/0`, `${isolatedTable}:::/0`]);
    // AND 1b got a new private subnet on the first free /64 (#3), on a lambda-egress table with both routes
    const [, newPrivate] = run.network.subnets.privateSubnetIds;
    expect(run.network.subnets.subnets.find((subnet) => subnet.subnetId === newPrivate)).toMatchObject({ az: AZS[1], ipv6Cidr: v6(3) });
    const newTable = effectiveTable(tables, newPrivate!)!;
    expect(defaultTarget(newTable)).toBe(run.network.natGateways.find((nat) => nat.az === AZS[1])!.natTargetId);
    expect(newTable.Routes!.find((route) => route.DestinationIpv6CidrBlock === '::/0')?.EgressOnlyInternetGatewayId).toBe(eigw);
    // AND the user's public table still has exactly its own routes
    expect(effectiveTable(tables, run.network.subnets.publicSubnetIds[0]!)!.Routes!.filter((route) => route.GatewayId !== 'local').map((route) => route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock)).toEqual(['0.0.0.0/0', '::/0']);
  });
});

describe('existing mode: the main route table', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('uses a private subnet routed by the main table as it is, and never adds a route to the main table, not even ::/0', async () => {
    // GIVEN a dual-stack VPC whose main table sends 0.0.0.0/0 to a NAT, with a private subnet on it in 1a
    const created = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.63.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
    const vpcId = created.VpcId!;
    const v6 = (index: number) => canonicalIpv6(created.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!.replace(/00::\/56$/, `0${index}::/64`));
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }));
    const subnetIn = async (cidr: string, index: number, az: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, Ipv6CidrBlock: v6(index), AvailabilityZone: az }))).Subnet!.SubnetId!;
    const publicA = await subnetIn('10.63.0.0/24', 0, AZS[0]);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: publicA }));
    const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const natId = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicA, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    const mainTable = (await tablesOf(vpcId)).find((table) => table.Associations?.some((association) => association.Main))!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: mainTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }));
    const privateA = await subnetIn('10.63.16.0/20', 2, AZS[0]);
    const mainBefore = await routeTableJson(ec2, mainTable);
    // WHEN the network tasks run with IPv6 on
    const run = await runNetworkTasks(existing(vpcId, { ipv6: true, s3Endpoint: false }), 'main-table');
    // THEN the subnet on the main table is used as it is, and the audit says it gets no ::/0
    expect(run.network.subnets.privateSubnetIds[0]).toBe(privateA);
    const audited = run.network.audit.mode === 'existing' ? run.network.audit : undefined;
    expect(audited?.cannotFix).toEqual(expect.arrayContaining([expect.stringContaining(`${privateA} (${AZS[0]}) is routed by the main table ${mainTable}`)]));
    expect(run.network.routeTables.privateRouteTables[0]).toEqual({ az: AZS[0], routeTableId: mainTable, subnetIds: [privateA], natTargetId: natId });
    // AND the main table is byte-identical
    expect(await routeTableJson(ec2, mainTable)).toBe(mainBefore);
  });
});

describe('existing mode: VPCs that cannot be repaired', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('legacy-fn');
  });

  it('fails NetworkNotRepairable for a VPC with a single subnet, before changing anything', async () => {
    // GIVEN a VPC with one subnet
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.33.0.0/16' }))).Vpc!.VpcId!;
    await createSubnet(ec2, vpcId, '10.33.0.0/24', AZS[0]);
    await emulator.clearCalls();
    // WHEN the network tasks run on it
    // THEN the audit refuses with the reason and the fix, and nothing was changed
    await expect(runNetworkTasks(existing(vpcId), 'one-subnet')).rejects.toMatchObject({
      name: 'NetworkNotRepairable',
      message: expect.stringMatching(/has 1 subnet\(s\); lambda-egress needs at least two .*create them first/),
    });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails NetworkNotRepairable when no AZ has room for the public subnet a NAT needs', async () => {
    // GIVEN a /24 VPC without IGW, filled by two isolated subnets on their own route table
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.34.0.0/24' }))).Vpc!.VpcId!;
    const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    for (const [index, az] of AZS.entries()) {
      const subnetId = await createSubnet(ec2, vpcId, `10.34.0.${index * 128}/25`, az);
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: subnetId }));
    }
    // WHEN it is audited
    await emulator.clearCalls();
    // THEN the error says why, and nothing was changed
    await expect(audit(vpcId)).rejects.toMatchObject({ name: 'NetworkNotRepairable', message: expect.stringContaining('no AZ with room for a public subnet') });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });
});

/** moto may write a hextet with its leading zero (0f03); AWS and the product write it without (f03). */
function canonicalIpv6(cidr: string): string {
  return cidr.replace(/(^|:)0+(?=[0-9a-f])/gi, '$1');
}
