import {
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { handler as ensureInternetGateway } from '../../functions/network/ensure-internet-gateway';
import { handler as ensureNatGateway } from '../../functions/network/ensure-nat-gateway';
import { handler as ensureRouteTables } from '../../functions/network/ensure-route-tables';
import { handler as ensureS3Endpoint } from '../../functions/network/ensure-s3-endpoint';
import { handler as ensureSecurityGroup } from '../../functions/network/ensure-security-group';
import { handler as ensureSubnets } from '../../functions/network/ensure-subnets';
import { handler as ensureVpc } from '../../functions/network/ensure-vpc';
import { TAG_EXECUTION, TAG_MANAGED, TAG_NETWORK, tagValue } from '../../functions/shared/tags';
import type { LedgerEntry } from '../../functions/shared/types';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { idsOf, runNetworkTasks, type NetworkRun } from '../support/workflow';

const ec2 = new EC2Client({});

const effectiveTable = (tables: RouteTable[], subnetId: string) =>
  tables.find((table) => table.Associations?.some((association) => association.SubnetId === subnetId)) ?? tables.find((table) => table.Associations?.some((association) => association.Main));
const route = (table: RouteTable | undefined, destination: string) => table?.Routes?.find((candidate) => candidate.DestinationCidrBlock === destination || candidate.DestinationIpv6CidrBlock === destination);
const kindsAndIds = (ledger: readonly LedgerEntry[]) => ledger.map((entry) => `${entry.kind}:${entry.id}`).sort();

describe('network tasks in create mode', () => {
  const request = { functionName: 'orders-api', network: { name: 'shop', ipv6: true } };
  let first: NetworkRun;

  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('orders-api');
    first = await runNetworkTasks(request, 'first');
  });

  it('builds the guide\'s topology: 2 AZs, public and private subnets, IGW, a NAT per AZ, private routes to the NAT of their own AZ, EIGW for ::/0, S3 endpoint', async () => {
    // GIVEN a fresh account and a request for network "shop" with IPv6 (2 AZs and per-AZ NATs by default)
    const { vpcId } = first.network.vpc;
    // THEN the VPC is the planned 10.0.0.0/16 with an IPv6 /56 and DNS on, tagged as the network
    const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    expect(vpc.CidrBlock).toBe('10.0.0.0/16');
    expect(vpc.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toBe(first.network.vpc.ipv6CidrBlock);
    expect(tagValue(vpc.Tags, TAG_NETWORK)).toBe('shop');
    expect(tagValue(vpc.Tags, TAG_MANAGED)).toBe('true');
    expect(tagValue(vpc.Tags, TAG_EXECUTION)).toBe(first.execution.id);
    expect((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }))).EnableDnsSupport?.Value).toBe(true);
    expect((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames?.Value).toBe(true);

    // AND one public and one private subnet in each of the first two AZs, private bigger, each with an IPv6 /64
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!;
    expect(subnets.map((subnet) => [subnet.AvailabilityZone, subnet.CidrBlock]).sort()).toEqual([
      ['us-east-1a', '10.0.0.0/18'],
      ['us-east-1a', '10.0.128.0/20'],
      ['us-east-1b', '10.0.144.0/20'],
      ['us-east-1b', '10.0.64.0/18'],
    ]);
    for (const subnet of subnets) expect(subnet.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock).toMatch(/::\/64$/);
    expect(new Set(subnets.map((subnet) => subnet.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock)).size).toBe(4);

    // AND the internet gateway is attached
    const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways!;
    expect(igws.map((igw) => igw.InternetGatewayId)).toEqual([first.network.internetGateway.internetGatewayId]);

    // AND one NAT per AZ, each in the public subnet of its AZ
    const { publicSubnetIds, privateSubnetIds } = first.network.subnets;
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways!;
    expect(nats).toHaveLength(2);
    const azOf = (subnetId: string | undefined) => subnets.find((subnet) => subnet.SubnetId === subnetId)?.AvailabilityZone;
    for (const nat of nats) expect(publicSubnetIds).toContain(nat.SubnetId);
    expect(nats.map((nat) => azOf(nat.SubnetId)).sort()).toEqual(['us-east-1a', 'us-east-1b']);

    // AND each private subnet sends 0.0.0.0/0 to the NAT of its own AZ and ::/0 to the egress-only gateway
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!;
    const eigw = first.network.internetGateway.egressOnlyInternetGatewayId;
    expect(eigw).toMatch(/^eigw-/);
    const endpointId = first.network.s3Endpoint.vpcEndpointId;
    for (const subnetId of privateSubnetIds) {
      const table = effectiveTable(tables, subnetId);
      expect(table?.Associations?.some((association) => association.Main)).toBe(false);
      const natId = route(table, '0.0.0.0/0')?.NatGatewayId;
      expect(azOf(nats.find((nat) => nat.NatGatewayId === natId)?.SubnetId)).toBe(azOf(subnetId));
      expect(route(table, '::/0')?.EgressOnlyInternetGatewayId).toBe(eigw);
      // AND the S3 gateway endpoint has its route in every private table
      expect(table?.Routes?.some((candidate) => candidate.DestinationPrefixListId && candidate.GatewayId === endpointId)).toBe(true);
    }
    // AND the public subnets send 0.0.0.0/0 and ::/0 to the internet gateway
    for (const subnetId of publicSubnetIds) {
      const table = effectiveTable(tables, subnetId);
      expect(route(table, '0.0.0.0/0')?.GatewayId).toBe(first.network.internetGateway.internetGatewayId);
      expect(route(table, '::/0')?.GatewayId).toBe(first.network.internetGateway.internetGatewayId);
    }
    const endpoint = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [endpointId!] }))).VpcEndpoints![0]!;
    expect(endpoint.ServiceName).toBe('com.amazonaws.us-east-1.s3');
    expect([...(endpoint.RouteTableIds ?? [])].sort()).toEqual(first.network.routeTables.privateRouteTables.map((table) => table.routeTableId).sort());
    expect(first.natWait.check).toMatchObject({ allAvailable: true, gateways: expect.arrayContaining(nats.map((nat) => ({ natTargetId: nat.NatGatewayId, az: azOf(nat.SubnetId), state: 'available', addresses: (nat.NatGatewayAddresses ?? []).map((address) => ({ publicIp: address.PublicIp, az: azOf(nat.SubnetId), natId: nat.NatGatewayId, allocationId: address.AllocationId })) }))) });
  });

  it('ledgers every created resource exactly once, with what rollback needs', async () => {
    const { network, ledger } = first;
    const { vpcId } = network.vpc;
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!;
    const ownTables = tables.filter((table) => !table.Associations?.some((association) => association.Main));
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups!;
    const expected = [
      `vpc:${vpcId}`,
      ...network.subnets.subnets.map((subnet) => `subnet:${subnet.subnetId}`),
      `internet-gateway:${network.internetGateway.internetGatewayId}`,
      `egress-only-internet-gateway:${network.internetGateway.egressOnlyInternetGatewayId}`,
      `security-group:${groups.find((group) => group.GroupName !== 'default')?.GroupId}`,
      ...network.natGateways.flatMap((nat) => [`elastic-ip:${nat.allocationId}`, `nat-gateway:${nat.natTargetId}`]),
      ...ownTables.map((table) => `route-table:${table.RouteTableId}`),
      ...ownTables.flatMap((table) => (table.Associations ?? []).map((association) => `route-table-association:${association.RouteTableAssociationId}`)),
      ...ownTables.flatMap((table) =>
        (table.Routes ?? []).filter((candidate) => candidate.GatewayId !== 'local' && !candidate.DestinationPrefixListId).map((candidate) => `route:${table.RouteTableId}:${candidate.DestinationCidrBlock ?? candidate.DestinationIpv6CidrBlock}`),
      ),
      `vpc-endpoint:${network.s3Endpoint.vpcEndpointId}`,
    ].sort();
    // 1 VPC, 4 subnets, IGW, EIGW, SG, 2 EIPs, 2 NATs, 3 tables, 4 associations, 2 public + 4 private routes, endpoint
    expect(expected).toHaveLength(26);
    expect(kindsAndIds(ledger)).toEqual(expected);
    expect(new Set(kindsAndIds(ledger)).size).toBe(ledger.length);
    const byKind = (kind: LedgerEntry['kind']) => ledger.filter((entry) => entry.kind === kind);
    expect(byKind('internet-gateway')[0]?.detail).toEqual({ vpcId });
    for (const nat of network.natGateways) expect(byKind('nat-gateway').find((entry) => entry.id === nat.natTargetId)?.detail).toMatchObject({ allocationId: nat.allocationId });
    for (const entry of byKind('route')) expect(entry.id).toBe(`${entry.detail?.routeTableId}:${entry.detail?.destination}`);
    for (const entry of byKind('route-table-association')) expect(entry.detail).toEqual({ routeTableId: expect.stringMatching(/^rtb-/), subnetId: expect.stringMatching(/^subnet-/) });
  });

  it('finds the whole network again for a second execution: zero create/attach/allocate/associate calls, identical ids, empty ledger', async () => {
    // GIVEN the network built by the first execution
    await emulator.clearCalls();
    // WHEN a second execution (another function of the same network) runs the same tasks
    await createSampleFunction('billing-api');
    await emulator.clearCalls();
    const second = await runNetworkTasks({ ...request, functionName: 'billing-api' }, 'second');
    // THEN nothing was changed, the ids are the first run's, and nothing is ledgered
    const calls = await emulator.calls();
    expect(mutatingCalls(calls)).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
    expect(idsOf(second)).toEqual(idsOf(first));
    expect(second.ledger).toEqual([]);
  });

  it('gives a retried task (same execution id) the same ids and the same ledger entries, creating nothing', async () => {
    // GIVEN the state of the first execution after its network tasks
    const { execution, request: normalized, network } = first;
    const base = { execution, request: normalized };
    await emulator.clearCalls();
    // WHEN each task runs again with that same execution id
    const vpc = await ensureVpc({ ...base, network: { audit: network.audit } });
    const subnets = await ensureSubnets({ ...base, network: { audit: network.audit, vpc } });
    const internetGateway = await ensureInternetGateway({ ...base, network: { vpc, subnets } });
    const securityGroup = await ensureSecurityGroup({ ...base, network: { vpc } });
    const natGateways = await Promise.all(subnets.natPlacements.map((placement) => ensureNatGateway({ ...base, network: { vpc, subnets, internetGateway }, placement })));
    const routeTables = await ensureRouteTables({ ...base, network: { ...network, vpc, subnets, internetGateway, securityGroup, natGateways } });
    const s3Endpoint = await ensureS3Endpoint({ ...base, network: { ...network, routeTables } });
    // THEN no mutating call was made, every id is the same and every entry is ledgered again
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(vpc.vpcId).toBe(network.vpc.vpcId);
    expect(subnets.subnets).toEqual(network.subnets.subnets);
    expect(natGateways.map((nat) => nat.natTargetId)).toEqual(network.natGateways.map((nat) => nat.natTargetId));
    expect(routeTables.privateRouteTables).toEqual(network.routeTables.privateRouteTables);
    const slices = [vpc, subnets, internetGateway, securityGroup, ...natGateways, routeTables, s3Endpoint];
    const again = slices.flatMap((slice) => slice.ledger);
    expect(kindsAndIds(again)).toEqual(kindsAndIds(first.ledger));
  });
});

describe('network tasks in create mode with a single NAT gateway', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('single-fn');
  });

  it('creates one NAT in the first AZ and routes every private subnet to it, IPv4 only', async () => {
    // GIVEN a 3-AZ network request with natGateways "single", without IPv6 or S3 endpoint
    // WHEN the network tasks run
    const run = await runNetworkTasks({ functionName: 'single-fn', network: { name: 'cheap', cidr: '172.20.0.0/20', azCount: 3, natGateways: 'single', s3Endpoint: false } }, 'single');
    // THEN there is one placement and one NAT, in us-east-1a's public subnet
    expect(run.network.subnets.natPlacements).toEqual([{ az: 'us-east-1a', subnetId: run.network.subnets.publicSubnetIds[0] }]);
    expect(run.network.natGateways).toHaveLength(1);
    const natId = run.network.natGateways[0]!.natTargetId;
    // AND every private subnet (three AZs) routes 0.0.0.0/0 to it, with no ::/0 route and no egress-only gateway
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [run.network.vpc.vpcId] }] }))).RouteTables!;
    expect(run.network.subnets.privateSubnetIds).toHaveLength(3);
    for (const subnetId of run.network.subnets.privateSubnetIds) {
      const table = effectiveTable(tables, subnetId);
      expect(route(table, '0.0.0.0/0')?.NatGatewayId).toBe(natId);
      expect(route(table, '::/0')).toBeUndefined();
    }
    expect(run.network.internetGateway.egressOnlyInternetGatewayId).toBeUndefined();
    expect(run.network.s3Endpoint).toEqual(expect.objectContaining({ ledger: [], skipped: 'network.s3Endpoint is false' }));
    expect(run.network.s3Endpoint.vpcEndpointId).toBeUndefined();
  });
});
