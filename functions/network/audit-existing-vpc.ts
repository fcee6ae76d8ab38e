import { DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client, type NatGateway, type RouteTable, type Subnet } from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { NetworkNotRepairable } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import type { PlannedSubnet, SubnetTier } from '../shared/types';
import { formatIpv4Block, ipv4Block, ipv6SubnetIndex, type Ipv4Block } from './cidr';
import { EXISTING_VPC_SUBNET_PREFIXES, findFreeBlock } from './cidr-plan';
import { ipv6BlockOf, isGone, isOfNetwork, required, subnetsOf } from './network-lookup';
import { effectiveRouteTable, hasOnlyLocalRoutes, mainRouteTable, IPV4_DEFAULT, IPV6_DEFAULT, routeTablesOf, routeTarget, routeTo } from './route-tables';
import type { AuditedNatGateway, AuditedSubnet, AuditSlice, AzRepair, NatPlan, NetworkTaskInput, ReportedSubnet, SubnetClass } from './types';

/**
 * AuditExistingVpc (existing mode, read-only). Classifies every subnet of the VPC by its default route, as the
 * AWS guide's route table check does: public (0.0.0.0/0 -> the VPC's internet gateway), private (-> a NAT
 * gateway), isolated (no default route) or routed elsewhere (transit gateway, firewall endpoint, peering,
 * instance, ENI, a blackhole...: reported, never changed). Then plans, per AZ, the least that gives the
 * function a private subnet with a NAT route:
 *   - a private subnet whose NAT works is used as it is;
 *   - else an isolated subnet: on its own route table it gets a 0.0.0.0/0 route added; on the main table (only
 *     when that table has nothing but local routes) it moves to a lambda-egress table — the main table itself
 *     is never changed, because every subnet without an explicit association follows it;
 *   - else a new private subnet in free CIDR space.
 * NAT gateways are reused when usable, else planned in the AZ's public subnet, or in a new public subnet.
 */
export async function auditExistingVpc(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<AuditSlice> {
  const { ec2 } = clients;
  const network = input.request.network;
  const vpcId = required(network.vpcId, 'request.network.vpcId', 'ValidateRequest');
  const facts = await gatherFacts(ec2, vpcId);
  const { vpc, subnets, tables } = facts;
  if (subnets.length < 2) {
    throw new NetworkNotRepairable(
      `${vpcId} has ${subnets.length} subnet(s); lambda-egress needs at least two to work with (one public for the NAT gateway, one private for the function): create them first (Amazon VPC guide, "Create a subnet"), or leave network.vpcId out to create a new VPC`,
      { vpcId, subnetCount: subnets.length },
    );
  }
  const main = required(facts.main, `main route table of ${vpcId}`, 'AWS');
  const internetGatewayId = facts.internetGatewayId;
  const audited = subnets.map((subnet) => auditSubnet(subnet, tables, internetGatewayId, network.name));
  const natGateways = facts.nats.map((nat) => auditNat(nat, audited));
  const usableNat = (id: string | undefined) => natGateways.find((nat) => nat.natGatewayId === id && nat.usable);

  const present: string[] = [];
  const missing: string[] = [];
  const cannotFix: string[] = [];
  const reported: ReportedSubnet[] = [];
  if (internetGatewayId) present.push(`internet gateway ${internetGatewayId} attached to ${vpcId}`);
  else missing.push(`an internet gateway attached to ${vpcId}`);
  for (const nat of natGateways) {
    if (nat.usable) present.push(`NAT gateway ${nat.natGatewayId} (${nat.state}) in public subnet ${nat.subnetId} (${nat.az})`);
    else cannotFix.push(`NAT gateway ${nat.natGatewayId} in ${nat.subnetId} is ${nat.state === 'available' || nat.state === 'pending' ? 'not in a public subnet' : nat.state}: not used`);
  }
  for (const subnet of audited) {
    if (subnet.class === 'routed-elsewhere') {
      const reason = `its default route goes to ${subnet.defaultRouteTarget}, which lambda-egress did not put there: the subnet and its route table ${subnet.routeTableId} are left as they are`;
      reported.push({ subnetId: subnet.subnetId, routeTableId: subnet.routeTableId, target: subnet.defaultRouteTarget ?? 'unknown', reason });
      cannotFix.push(`${subnet.subnetId} (${subnet.az}): ${reason}`);
    } else if (subnet.class === 'private' && !usableNat(subnet.defaultRouteTarget)) {
      const reason = `its default route goes to NAT gateway ${subnet.defaultRouteTarget}, which is not usable (deleted, failed or not in a public subnet); lambda-egress does not rewrite a route it did not create`;
      reported.push({ subnetId: subnet.subnetId, routeTableId: subnet.routeTableId, target: subnet.defaultRouteTarget ?? 'unknown', reason });
      cannotFix.push(`${subnet.subnetId} (${subnet.az}): ${reason}`);
    } else if (subnet.class === 'public' || subnet.class === 'private') {
      present.push(`${subnet.class} subnet ${subnet.subnetId} (${subnet.az}, ${subnet.cidr}) via ${subnet.routeTableId} -> ${subnet.defaultRouteTarget}`);
    }
  }

  const space = new FreeSpace(vpc.CidrBlockAssociationSet ?? [], audited, network.ipv6);
  const subnetsToCreate: PlannedSubnet[] = [];
  const plan = (az: string, tier: SubnetTier): boolean => {
    const planned = space.take(az, tier);
    if (planned) subnetsToCreate.push(planned);
    return Boolean(planned);
  };

  const repairs: Array<Omit<AzRepair, 'nat'> & { natGatewayId?: string }> = [];
  for (const az of network.azs) {
    const inAz = audited.filter((subnet) => subnet.az === az && (!network.ipv6 || subnet.ipv6Cidr));
    const preferred = (candidates: AuditedSubnet[]) => [...candidates].sort((a, b) => Number(b.managed) - Number(a.managed) || a.subnetId.localeCompare(b.subnetId))[0];
    const ready = preferred(inAz.filter((subnet) => subnet.class === 'private' && usableNat(subnet.defaultRouteTarget)));
    const onOwnTable = preferred(inAz.filter((subnet) => subnet.class === 'isolated' && !subnet.routeTableIsMain));
    const onMainTable = preferred(inAz.filter((subnet) => subnet.class === 'isolated' && subnet.routeTableIsMain && hasOnlyLocalRoutes(main)));
    if (ready) {
      repairs.push({ az, privateSubnetId: ready.subnetId, privateRouting: 'ready', natGatewayId: ready.defaultRouteTarget ?? '' });
      present.push(`${az}: private subnet ${ready.subnetId} already routes 0.0.0.0/0 to ${ready.defaultRouteTarget}`);
      if (network.ipv6 && ready.routeTableIsMain && !ready.ipv6DefaultRouteTarget) {
        cannotFix.push(`${ready.subnetId} (${az}) is routed by the main table ${ready.routeTableId}, which lambda-egress does not change: it gets no ::/0 route (IPv6 egress)`);
      }
    } else if (onOwnTable) {
      repairs.push({ az, privateSubnetId: onOwnTable.subnetId, privateRouting: 'add-route' });
      missing.push(`${az}: a 0.0.0.0/0 route to a NAT gateway in ${onOwnTable.routeTableId}, the route table of isolated subnet ${onOwnTable.subnetId}`);
    } else if (onMainTable) {
      repairs.push({ az, privateSubnetId: onMainTable.subnetId, privateRouting: 'dedicated-table' });
      missing.push(`${az}: a lambda-egress route table with a NAT route for isolated subnet ${onMainTable.subnetId} (the main table ${main.RouteTableId} stays as it is)`);
    } else if (plan(az, 'private')) {
      repairs.push({ az, privateRouting: 'dedicated-table' });
      missing.push(`${az}: a private subnet (${subnetsToCreate[subnetsToCreate.length - 1]?.cidr}) with a lambda-egress route table and a NAT route`);
    } else {
      cannotFix.push(`${az}: no private subnet can be used or added (no free ${network.ipv6 ? 'IPv4 /26 or IPv6 /64' : '/26'} in ${vpcId}): the function will not use this AZ`);
    }
    if (network.ipv6) {
      for (const subnet of audited.filter((candidate) => candidate.az === az && !candidate.ipv6Cidr && ['private', 'isolated'].includes(candidate.class))) {
        cannotFix.push(`${subnet.subnetId} (${az}) has no IPv6 CIDR block and network.ipv6 is on: lambda-egress does not change subnets it did not create, so it is not used`);
      }
    }
  }
  if (repairs.length === 0) {
    throw new NetworkNotRepairable(`${vpcId} has no AZ where the function can get a private subnet with a NAT route: ${cannotFix.join('; ')}`, { vpcId, cannotFix });
  }

  const needsNat = repairs.filter((repair) => repair.privateRouting !== 'ready');
  const natPlans = new Map<string, NatPlan>();
  for (const repair of repairs) {
    const nat = usableNat(repair.natGatewayId);
    if (repair.privateRouting === 'ready' && nat) natPlans.set(repair.az, { placement: 'existing', natGatewayId: nat.natGatewayId, az: nat.az, subnetId: nat.subnetId });
  }
  const existingIn = (az: string) => natGateways.find((nat) => nat.usable && nat.az === az);
  const publicIn = (az: string) => audited.filter((subnet) => subnet.class === 'public' && subnet.az === az).sort((a, b) => Number(b.managed) - Number(a.managed) || a.subnetId.localeCompare(b.subnetId))[0];
  const newNatIn = (az: string): NatPlan | undefined => {
    const existing = existingIn(az);
    if (existing) return { placement: 'existing', natGatewayId: existing.natGatewayId, az: existing.az, subnetId: existing.subnetId };
    const publicSubnet = publicIn(az);
    if (publicSubnet) return { placement: 'new', subnetId: publicSubnet.subnetId };
    return plan(az, 'public') ? { placement: 'new' } : undefined;
  };
  if (network.natGateways === 'single') {
    const shared = natGateways.find((nat) => nat.usable && [...natPlans.values()].some((known) => known.placement === 'existing' && known.natGatewayId === nat.natGatewayId)) ?? natGateways.find((nat) => nat.usable);
    let host: { az: string; nat: NatPlan } | undefined = shared ? { az: shared.az, nat: { placement: 'existing', natGatewayId: shared.natGatewayId, az: shared.az, subnetId: shared.subnetId } } : undefined;
    for (const repair of needsNat) {
      if (!host) {
        const nat = newNatIn(repair.az);
        if (nat) host = { az: repair.az, nat };
      }
      natPlans.set(repair.az, host && (host.az === repair.az || host.nat.placement === 'existing') ? host.nat : { placement: 'other-az' });
    }
  } else {
    for (const repair of needsNat) natPlans.set(repair.az, newNatIn(repair.az) ?? { placement: 'other-az' });
  }
  const plannedNats = [...natPlans.values()].filter((nat) => nat.placement !== 'other-az');
  if (needsNat.length > 0 && plannedNats.length === 0) {
    throw new NetworkNotRepairable(
      `${vpcId} has no AZ with room for a public subnet for a NAT gateway (a free /28 in ${network.azs.join(', ')}), and no usable NAT gateway: add a CIDR block to the VPC or free some address space`,
      { vpcId },
    );
  }
  for (const repair of needsNat) {
    const nat = natPlans.get(repair.az);
    if (nat?.placement === 'existing') present.push(`${repair.az}: NAT gateway ${nat.natGatewayId} will be reused`);
    else if (nat?.placement === 'new') missing.push(`${repair.az}: a NAT gateway (with an Elastic IP) in ${nat.subnetId ?? `a new public subnet (${subnetsToCreate.find((planned) => planned.az === repair.az && planned.tier === 'public')?.cidr})`}`);
    else cannotFix.push(`${repair.az}: no NAT gateway of its own (${network.natGateways === 'single' ? 'natGateways is "single"' : 'no room for a public subnet'}): it uses another AZ's`);
  }
  if (!internetGatewayId && subnetsToCreate.some((planned) => planned.tier === 'public')) missing.push('a lambda-egress public route table (0.0.0.0/0 -> the internet gateway) for the new public subnets');

  const ipv6CidrBlock = ipv6BlockOf(vpc);
  return {
    mode: 'existing',
    vpcId,
    cidrBlocks: (vpc.CidrBlockAssociationSet ?? []).filter((block) => block.CidrBlockState?.State === 'associated').map((block) => block.CidrBlock ?? ''),
    ...(ipv6CidrBlock ? { ipv6CidrBlock } : {}),
    mainRouteTableId: main.RouteTableId ?? '',
    ...(internetGatewayId ? { internetGatewayId } : {}),
    subnets: audited,
    natGateways,
    present,
    missing,
    cannotFix,
    reported,
    plan: {
      createInternetGateway: !internetGatewayId,
      azs: repairs.map(({ natGatewayId: _natGatewayId, ...repair }) => ({ ...repair, nat: natPlans.get(repair.az) ?? { placement: 'other-az' } })),
      subnetsToCreate,
    },
  };
}

async function gatherFacts(ec2: EC2Client, vpcId: string) {
  const vpc = required((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0], `VPC ${vpcId}`, 'ValidateRequest');
  const subnets = await subnetsOf(ec2, vpcId);
  const tables = await routeTablesOf(ec2, vpcId);
  const igws = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }));
  const internetGatewayId = igws.InternetGateways?.find((igw) => igw.Attachments?.some((attachment) => attachment.VpcId === vpcId && attachment.State !== 'detached'))?.InternetGatewayId;
  const nats = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return { vpc, subnets, tables, main: mainRouteTable(tables), internetGatewayId, nats: (nats.NatGateways ?? []).filter((nat) => !isGone(nat.State)) };
}

function auditSubnet(subnet: Subnet, tables: readonly RouteTable[], internetGatewayId: string | undefined, networkName: string): AuditedSubnet {
  const subnetId = subnet.SubnetId ?? '';
  const { table, isMain } = effectiveRouteTable(tables, subnetId);
  const ipv4 = routeTo(table, IPV4_DEFAULT);
  const ipv6 = routeTo(table, IPV6_DEFAULT);
  const target = ipv4 ? routeTarget(ipv4) : undefined;
  let kind: SubnetClass = 'isolated';
  if (ipv4) {
    if (ipv4.State === 'blackhole') kind = 'routed-elsewhere';
    else if (target && target === internetGatewayId) kind = 'public';
    else if (target?.startsWith('nat-')) kind = 'private';
    else kind = 'routed-elsewhere';
  }
  const ipv6Cidr = subnet.Ipv6CidrBlockAssociationSet?.find((association) => association.Ipv6CidrBlock)?.Ipv6CidrBlock;
  return {
    subnetId,
    az: subnet.AvailabilityZone ?? '',
    cidr: subnet.CidrBlock ?? '',
    ...(ipv6Cidr ? { ipv6Cidr } : {}),
    class: kind,
    routeTableId: table?.RouteTableId ?? '',
    routeTableIsMain: isMain,
    ...(target ? { defaultRouteTarget: target } : {}),
    ...(ipv6 ? { ipv6DefaultRouteTarget: routeTarget(ipv6) } : {}),
    managed: isOfNetwork(subnet.Tags, networkName),
  };
}

function auditNat(nat: NatGateway, subnets: readonly AuditedSubnet[]): AuditedNatGateway {
  const home = subnets.find((subnet) => subnet.subnetId === nat.SubnetId);
  const state = nat.State ?? 'unknown';
  return {
    natGatewayId: nat.NatGatewayId ?? '',
    az: home?.az ?? '',
    subnetId: nat.SubnetId ?? '',
    state,
    usable: (state === 'available' || state === 'pending') && home?.class === 'public' && (nat.ConnectivityType ?? 'public') === 'public',
  };
}

/** Free IPv4 (and IPv6 /64) space of the VPC, handed out to planned subnets. */
class FreeSpace {
  private readonly vpcBlocks: Ipv4Block[];
  private readonly taken: Ipv4Block[];
  private readonly usedIpv6: Set<number>;

  constructor(
    associations: ReadonlyArray<{ CidrBlock?: string; CidrBlockState?: { State?: string } }>,
    subnets: readonly AuditedSubnet[],
    private readonly ipv6: boolean,
  ) {
    this.vpcBlocks = associations.filter((block) => block.CidrBlockState?.State === 'associated').flatMap((block) => (block.CidrBlock ? [ipv4Block(block.CidrBlock)].filter((parsed): parsed is Ipv4Block => Boolean(parsed)) : []));
    this.taken = subnets.flatMap((subnet) => [ipv4Block(subnet.cidr)].filter((parsed): parsed is Ipv4Block => Boolean(parsed)));
    this.usedIpv6 = new Set(subnets.flatMap((subnet) => (subnet.ipv6Cidr ? [ipv6SubnetIndex(subnet.ipv6Cidr)] : [])));
  }

  take(az: string, tier: SubnetTier): PlannedSubnet | undefined {
    const block = findFreeBlock(this.vpcBlocks, this.taken, EXISTING_VPC_SUBNET_PREFIXES[tier]);
    if (!block) return undefined;
    let ipv6SubnetIndex: number | undefined;
    if (this.ipv6) {
      ipv6SubnetIndex = [...Array(256).keys()].find((index) => !this.usedIpv6.has(index));
      if (ipv6SubnetIndex === undefined) return undefined;
      this.usedIpv6.add(ipv6SubnetIndex);
    }
    this.taken.push(block);
    return { az, tier, cidr: formatIpv4Block(block), ...(ipv6SubnetIndex !== undefined ? { ipv6SubnetIndex } : {}) };
  }
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('AuditExistingVpc', (input: NetworkTaskInput) => auditExistingVpc(clients, input));
