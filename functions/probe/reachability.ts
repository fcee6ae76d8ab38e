import {
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type EgressOnlyInternetGateway,
  type InternetGateway,
  type NatGateway,
  type NetworkAcl,
  type NetworkAclEntry,
  type Route,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { effectiveRouteTable } from '../network/route-tables';
import type { BrokenHop, PathStep, ReachabilityInput, ReachabilityVerdict, SubnetPath } from './types';

/**
 * Static egress path analysis, in the spirit of AWS Reachability Analyzer, from Describe calls only. For each
 * subnet of the function: route table (explicit association or the VPC's main table) -> 0.0.0.0/0 target ->
 * NAT gateway state -> the NAT subnet's 0.0.0.0/0 -> an internet gateway attached to the VPC; ::/0 -> an
 * egress-only internet gateway when IPv6 is on; security group egress to the port; the subnet's network ACL
 * (outbound to the port, inbound return traffic on ephemeral ports) and the NAT subnet's network ACL.
 *
 * "The internet" is every address: an allow rule counts only when it covers 0.0.0.0/0, and rules for part of
 * the internet are skipped (the target's address is not known statically). Network ACL rules are evaluated in
 * rule-number order, first match wins, port by port over ranges; anything unmatched is denied.
 */
export async function analyzeReachability(ec2: EC2Client, input: ReachabilityInput): Promise<ReachabilityVerdict> {
  const network = new NetworkView(ec2);
  const groups = await network.securityGroups(input.securityGroupIds);
  const paths: SubnetPath[] = [];
  let failed: BrokenHop | undefined;
  let inconclusive: BrokenHop | undefined;
  for (const subnetId of input.subnetIds) {
    const outcome = await checkSubnet(network, subnetId, groups, input);
    paths.push({ subnetId, steps: outcome.steps });
    if (outcome.broken && !outcome.inconclusive) failed ??= outcome.broken;
    if (outcome.broken && outcome.inconclusive) inconclusive ??= outcome.broken;
  }
  if (input.subnetIds.length === 0) {
    failed = { hop: 'subnet', explanation: 'the function has no subnets: it is not attached to a VPC', fix: 'attach the function to the private subnets of the network' };
  }
  if (failed) return { verdict: 'FAIL', ...failed, port: input.port, paths };
  if (inconclusive) return { verdict: 'INCONCLUSIVE', ...inconclusive, port: input.port, paths };
  return { verdict: 'PASS', port: input.port, paths };
}

/** The TCP port a probe of this URL connects to. */
export function probePort(url: string): number {
  const parsed = new URL(url);
  if (parsed.port) return Number(parsed.port);
  return parsed.protocol === 'http:' ? 80 : 443;
}

interface SubnetOutcome {
  readonly steps: PathStep[];
  readonly broken?: BrokenHop;
  readonly inconclusive?: boolean;
}

const EPHEMERAL: PortRange = [1024, 65535];
const INTERNET_V4 = '0.0.0.0/0';

async function checkSubnet(network: NetworkView, subnetId: string, groups: GroupLookup, input: ReachabilityInput): Promise<SubnetOutcome> {
  const steps: PathStep[] = [];
  const ok = (step: Omit<PathStep, 'ok'>): void => void steps.push({ ...step, ok: true });
  const broken = (hop: BrokenHop, inconclusive = false): SubnetOutcome => {
    steps.push({ hop: hop.hop, ...(hop.resourceId ? { resourceId: hop.resourceId } : {}), ok: false, detail: hop.explanation });
    return { steps, broken: hop, inconclusive };
  };

  const subnet = await network.subnet(subnetId);
  if (!subnet?.VpcId) {
    return broken({ hop: 'subnet', subnetId, resourceId: subnetId, explanation: `${subnetId} does not exist`, fix: `put existing private subnets in the function's VpcConfig` });
  }
  const vpcId = subnet.VpcId;
  const az = subnet.AvailabilityZone ?? 'its AZ';
  ok({ hop: 'subnet', resourceId: subnetId, detail: `${subnetId} (${subnet.CidrBlock ?? '?'}) in ${vpcId}, ${az}` });

  // Route table and its default route.
  const table = await network.routeTableOf(subnet);
  if (!table?.RouteTableId) {
    return broken({ hop: 'route-table', subnetId, resourceId: vpcId, explanation: `${subnetId} has no route table (and ${vpcId} has no main route table)`, fix: `associate ${subnetId} with a route table whose 0.0.0.0/0 goes to a NAT gateway` });
  }
  const rtb = table.RouteTableId;
  const explicit = table.Associations?.some((association) => association.SubnetId === subnetId) ?? false;
  ok({ hop: 'route-table', resourceId: rtb, detail: `${subnetId} uses ${rtb} (${explicit ? 'explicit association' : "the VPC's main route table"})` });

  const defaultRoute = routeTo(table, INTERNET_V4);
  const natVia = defaultRoute?.NatGatewayId;
  if (!defaultRoute) {
    return broken({
      hop: 'default-route',
      subnetId,
      resourceId: rtb,
      explanation: `${subnetId} is isolated: its route table ${rtb} has no default route (0.0.0.0/0), so nothing in it reaches the internet`,
      fix: `add the route 0.0.0.0/0 -> a NAT gateway in a public subnet of ${az} to ${rtb}`,
    });
  }
  const target = routeTarget(defaultRoute);
  if (defaultRoute.State === 'blackhole') {
    return broken({
      hop: 'default-route',
      subnetId,
      resourceId: target,
      explanation: `the default route of ${rtb} goes to ${target}, which no longer exists (the route is a black hole)`,
      fix: `point 0.0.0.0/0 of ${rtb} at an available NAT gateway in a public subnet of ${az}`,
    });
  }
  if (defaultRoute.GatewayId?.startsWith('igw-')) {
    return broken({
      hop: 'default-route',
      subnetId,
      resourceId: defaultRoute.GatewayId,
      explanation: `${subnetId} is public: its default route goes to ${defaultRoute.GatewayId}; a Lambda function there gets no internet access — use the private subnets`,
      fix: `attach the function to the private subnets (default route -> a NAT gateway) instead of ${subnetId}: Lambda's network interfaces never get public IP addresses`,
    });
  }
  if (!natVia) {
    return broken(
      {
        hop: 'default-route',
        subnetId,
        resourceId: target,
        explanation: `the default route of ${rtb} goes to ${target}; what lies beyond it is outside this analysis`,
        fix: `if the probe fails, check that ${target} forwards internet traffic and lets the replies back`,
      },
      true,
    );
  }

  // The NAT gateway and its own way out.
  const nat = await network.natGateway(vpcId, natVia);
  const natState = nat?.State;
  if (!nat || natState === 'deleted' || natState === 'deleting') {
    return broken({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `the default route of ${rtb} goes to ${natVia}, which is ${natState ?? 'gone'}: the route leads nowhere`,
      fix: `point 0.0.0.0/0 of ${rtb} at an available NAT gateway in a public subnet of ${az} (running lambda-egress again recreates it)`,
    });
  }
  if (natState === 'failed') {
    return broken({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `${natVia}, the default route of ${rtb}, failed: ${nat.FailureMessage ?? 'no message'} (${nat.FailureCode ?? 'no code'})`,
      fix: `delete ${natVia}, create a new NAT gateway in a public subnet of ${az} and point 0.0.0.0/0 of ${rtb} at it (running lambda-egress again does both)`,
    });
  }
  if (natState !== 'available') {
    return broken({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `${natVia}, the default route of ${rtb}, is ${natState ?? 'in an unknown state'}, not available`,
      fix: `wait until ${natVia} is available (usually 1-3 minutes) and try again`,
    });
  }
  if (nat.ConnectivityType === 'private') {
    return broken({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `${natVia} is a private NAT gateway: it translates addresses for other networks but cannot reach the internet`,
      fix: `point 0.0.0.0/0 of ${rtb} at a public NAT gateway (with an Elastic IP) in a public subnet`,
    });
  }
  const natSubnet = nat.SubnetId ? await network.subnet(nat.SubnetId) : undefined;
  const crossAz = natSubnet?.AvailabilityZone && natSubnet.AvailabilityZone !== subnet.AvailabilityZone ? ` (in ${natSubnet.AvailabilityZone}: cross-AZ, depends on that AZ)` : '';
  ok({ hop: 'nat-gateway', resourceId: natVia, detail: `${natVia} is available in ${nat.SubnetId ?? '?'}${crossAz}` });

  const natTable = natSubnet ? await network.routeTableOf(natSubnet) : undefined;
  const natDefault = natTable ? routeTo(natTable, INTERNET_V4) : undefined;
  const natIgw = natDefault?.State !== 'blackhole' && natDefault?.GatewayId?.startsWith('igw-') ? natDefault.GatewayId : undefined;
  if (!natSubnet || !natTable?.RouteTableId || !natIgw) {
    const where = natTable?.RouteTableId
      ? `whose route table ${natTable.RouteTableId} ${natDefault ? `sends 0.0.0.0/0 to ${routeTarget(natDefault)}` : 'has no default route'}`
      : 'which has no route table';
    return broken({
      hop: 'nat-subnet-route',
      subnetId,
      resourceId: nat.SubnetId,
      explanation: `${natVia} sits in ${nat.SubnetId ?? 'an unknown subnet'}, ${where}, not to an internet gateway: the NAT gateway itself has no way out (a NAT gateway must be in a public subnet)`,
      fix: `create the NAT gateway in a public subnet (0.0.0.0/0 -> an internet gateway attached to ${vpcId}) and point ${rtb} at it`,
    });
  }
  ok({ hop: 'nat-subnet-route', resourceId: natTable.RouteTableId, detail: `${nat.SubnetId} routes 0.0.0.0/0 to ${natIgw} via ${natTable.RouteTableId}` });

  const igw = await network.internetGateway(natIgw);
  const attached = igw?.Attachments?.some((attachment) => attachment.VpcId === vpcId && ['available', 'attached'].includes(attachment.State ?? '')) ?? false;
  if (!attached) {
    return broken({
      hop: 'internet-gateway',
      subnetId,
      resourceId: natIgw,
      explanation: `${natIgw}, the way out of ${nat.SubnetId}, ${igw ? `is not attached to ${vpcId}` : 'does not exist'}: the NAT gateway's traffic stops there`,
      fix: igw
        ? `attach it: aws ec2 attach-internet-gateway --internet-gateway-id ${natIgw} --vpc-id ${vpcId}`
        : `create an internet gateway, attach it to ${vpcId} and point 0.0.0.0/0 of ${natTable.RouteTableId} at it`,
    });
  }
  ok({ hop: 'internet-gateway', resourceId: natIgw, detail: `${natIgw} is attached to ${vpcId}` });

  // IPv6: egress-only internet gateway.
  if (input.ipv6) {
    const v6 = routeTo(table, '::/0');
    const v6Target = v6 ? routeTarget(v6) : undefined;
    if (!v6 || v6.State === 'blackhole') {
      return broken({
        hop: 'ipv6-route',
        subnetId,
        resourceId: rtb,
        explanation: `IPv6 is on but ${rtb} ${v6 ? `sends ::/0 to ${v6Target}, which no longer exists` : 'has no ::/0 route'}: IPv6 traffic from the function goes nowhere`,
        fix: `add the route ::/0 -> an egress-only internet gateway of ${vpcId} to ${rtb}`,
      });
    }
    if (v6.EgressOnlyInternetGatewayId) {
      const eigw = await network.egressOnlyInternetGateway(v6.EgressOnlyInternetGatewayId);
      const eigwAttached = eigw?.Attachments?.some((attachment) => attachment.VpcId === vpcId && attachment.State === 'attached') ?? false;
      if (!eigwAttached) {
        return broken({
          hop: 'ipv6-route',
          subnetId,
          resourceId: v6.EgressOnlyInternetGatewayId,
          explanation: `::/0 of ${rtb} goes to ${v6.EgressOnlyInternetGatewayId}, which ${eigw ? `is not attached to ${vpcId}` : 'does not exist'}`,
          fix: `create an egress-only internet gateway in ${vpcId} and point ::/0 of ${rtb} at it`,
        });
      }
      ok({ hop: 'ipv6-route', resourceId: v6.EgressOnlyInternetGatewayId, detail: `${rtb} routes ::/0 to ${v6.EgressOnlyInternetGatewayId}` });
    } else if (v6.GatewayId?.startsWith('igw-')) {
      ok({ hop: 'ipv6-route', resourceId: v6.GatewayId, detail: `${rtb} routes ::/0 to ${v6.GatewayId} (works outbound; an egress-only gateway would also keep inbound IPv6 out)` });
    } else {
      return broken(
        {
          hop: 'ipv6-route',
          subnetId,
          resourceId: v6Target,
          explanation: `::/0 of ${rtb} goes to ${v6Target}; what lies beyond it is outside this analysis`,
          fix: `if the probe fails over IPv6, check that ${v6Target} forwards IPv6 internet traffic`,
        },
        true,
      );
    }
  }

  // Security groups (stateful: replies are allowed automatically).
  if (groups.missing.length > 0 || groups.found.length === 0) {
    const ids = groups.missing.length > 0 ? groups.missing : input.securityGroupIds;
    return broken({
      hop: 'security-group',
      subnetId,
      resourceId: ids.join(', ') || undefined,
      explanation: groups.found.length === 0 && groups.missing.length === 0 ? 'the function has no security group' : `security group(s) ${ids.join(', ')} do not exist`,
      fix: `give the function an existing security group of ${vpcId} that allows outbound TCP ${input.port}`,
    });
  }
  const allowing = groups.found.find((group) => allowsEgress(group, input.port));
  const groupIds = groups.found.map((group) => group.GroupId ?? '?');
  if (!allowing) {
    return broken({
      hop: 'security-group',
      subnetId,
      resourceId: groupIds.join(', '),
      explanation: `none of the function's security groups (${groupIds.join(', ')}) allows outbound TCP ${input.port} to 0.0.0.0/0: the connection never leaves the function`,
      fix: `add an outbound rule to ${groupIds[0]}: TCP ${input.port} to 0.0.0.0/0`,
    });
  }
  ok({ hop: 'security-group', resourceId: allowing.GroupId, detail: `${allowing.GroupId} allows outbound TCP ${input.port} to 0.0.0.0/0` });

  // Network ACLs (stateless: the replies need their own rule).
  const acl = await network.networkAclOf(subnet);
  if (!acl?.NetworkAclId) {
    return broken({ hop: 'network-acl', subnetId, resourceId: subnetId, explanation: `${subnetId} has no network ACL`, fix: `associate ${subnetId} with a network ACL` });
  }
  const subnetCidr = subnet.CidrBlock ?? INTERNET_V4;
  const aclProblem = checkAclLegs(acl, subnetId, input.port, [
    { egress: true, remote: INTERNET_V4, ports: [input.port, input.port], what: `outbound TCP ${input.port} to the internet` },
    { egress: false, remote: INTERNET_V4, ports: EPHEMERAL, what: 'inbound return traffic from the internet on ephemeral ports' },
  ]);
  if (aclProblem) return broken({ hop: 'network-acl', subnetId, resourceId: acl.NetworkAclId, ...aclProblem });
  ok({ hop: 'network-acl', resourceId: acl.NetworkAclId, detail: `${acl.NetworkAclId} allows outbound TCP ${input.port} and the replies on 1024-65535` });

  const natAcl = await network.networkAclOf(natSubnet);
  if (!natAcl?.NetworkAclId) {
    return broken({ hop: 'nat-network-acl', subnetId, resourceId: natSubnet.SubnetId, explanation: `${natSubnet.SubnetId} (the NAT gateway's subnet) has no network ACL`, fix: `associate ${natSubnet.SubnetId} with a network ACL` });
  }
  const natAclProblem = checkAclLegs(natAcl, natSubnet.SubnetId ?? '?', input.port, [
    { egress: false, remote: subnetCidr, ports: [input.port, input.port], what: `inbound TCP ${input.port} from ${subnetId} (${subnetCidr}) to the NAT gateway` },
    { egress: true, remote: INTERNET_V4, ports: [input.port, input.port], what: `outbound TCP ${input.port} from the NAT gateway to the internet` },
    { egress: false, remote: INTERNET_V4, ports: EPHEMERAL, what: 'inbound return traffic from the internet to the NAT gateway on ephemeral ports' },
    { egress: true, remote: subnetCidr, ports: EPHEMERAL, what: `outbound return traffic from the NAT gateway to ${subnetId} (${subnetCidr}) on ephemeral ports` },
  ]);
  if (natAclProblem) return broken({ hop: 'nat-network-acl', subnetId, resourceId: natAcl.NetworkAclId, ...natAclProblem });
  ok({ hop: 'nat-network-acl', resourceId: natAcl.NetworkAclId, detail: `${natAcl.NetworkAclId} of ${natSubnet.SubnetId} passes the NAT gateway's traffic both ways` });

  return { steps };
}

// ---------------------------------------------------------------------------------------------- routes

function routeTo(table: RouteTable, destination: string): Route | undefined {
  return table.Routes?.find((route) => (destination.includes(':') ? route.DestinationIpv6CidrBlock : route.DestinationCidrBlock) === destination);
}

function routeTarget(route: Route): string {
  return (
    route.NatGatewayId ??
    route.GatewayId ??
    route.EgressOnlyInternetGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.LocalGatewayId ??
    route.CarrierGatewayId ??
    route.CoreNetworkArn ??
    'an unknown target'
  );
}

// ------------------------------------------------------------------------------------- security groups

function allowsEgress(group: SecurityGroup, port: number): boolean {
  return (group.IpPermissionsEgress ?? []).some((permission) => {
    const protocol = permission.IpProtocol ?? '';
    const allProtocols = protocol === '-1';
    if (!allProtocols && protocol !== 'tcp' && protocol !== '6') return false;
    const from = allProtocols ? 0 : (permission.FromPort ?? 0);
    const to = allProtocols ? 65535 : (permission.ToPort ?? 65535);
    const portCovered = (from === -1 && to === -1) || (from <= port && port <= to);
    return portCovered && (permission.IpRanges ?? []).some((range) => range.CidrIp !== undefined && cidrCovers(range.CidrIp, INTERNET_V4));
  });
}

// -------------------------------------------------------------------------------------- network ACLs

type PortRange = readonly [number, number];

interface AclLeg {
  readonly egress: boolean;
  /** The far end of this leg, as a CIDR: a rule applies only if its CIDR covers all of it. */
  readonly remote: string;
  readonly ports: PortRange;
  readonly what: string;
}

function checkAclLegs(acl: NetworkAcl, subnetId: string, port: number, legs: readonly AclLeg[]): Omit<BrokenHop, 'hop' | 'subnetId' | 'resourceId'> | undefined {
  for (const leg of legs) {
    const denied = deniedPorts(acl.Entries ?? [], leg);
    if (!denied) continue;
    const rule = denied.ruleNumber === undefined || denied.ruleNumber >= 32767 ? 'the final * rule: nothing allows it' : `rule ${denied.ruleNumber} denies it`;
    const range = denied.ports[0] === denied.ports[1] ? `port ${denied.ports[0]}` : `ports ${denied.ports[0]}-${denied.ports[1]}`;
    const direction = leg.egress ? 'outbound' : 'inbound';
    const ruleCidr = leg.remote === INTERNET_V4 ? '0.0.0.0/0' : leg.remote;
    const below = denied.ruleNumber !== undefined && denied.ruleNumber < 32767 ? ` with a rule number below ${denied.ruleNumber}` : '';
    return {
      explanation: `network ACL ${acl.NetworkAclId} of ${subnetId} blocks ${leg.what} (${range}; ${rule})`,
      fix: `add an ${direction} allow rule to ${acl.NetworkAclId}${below}: TCP ${leg.ports[0] === leg.ports[1] ? port : `${leg.ports[0]}-${leg.ports[1]}`} ${leg.egress ? 'to' : 'from'} ${ruleCidr} (network ACLs are stateless: each direction needs its own rule)`,
    };
  }
  return undefined;
}

/**
 * The first denied part of the leg's port range, evaluating the ACL's rules of that direction in rule-number
 * order (first match wins, per port), or undefined when every port is allowed. Ports no rule matches are
 * denied by the implicit final rule (ruleNumber undefined).
 */
export function deniedPorts(entries: readonly NetworkAclEntry[], leg: Pick<AclLeg, 'egress' | 'remote' | 'ports'>): { ruleNumber?: number; ports: PortRange } | undefined {
  const rules = entries
    .filter((entry) => entry.Egress === leg.egress && entry.CidrBlock !== undefined && cidrCovers(entry.CidrBlock, leg.remote))
    .filter((entry) => ['-1', '6', 'tcp'].includes(String(entry.Protocol ?? '').toLowerCase()))
    .sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
  let open: PortRange[] = [leg.ports];
  for (const rule of rules) {
    const all = String(rule.Protocol) === '-1' || !rule.PortRange;
    const ruleRange: PortRange = all ? [0, 65535] : [rule.PortRange?.From ?? 0, rule.PortRange?.To ?? 65535];
    const next: PortRange[] = [];
    for (const range of open) {
      const lo = Math.max(range[0], ruleRange[0]);
      const hi = Math.min(range[1], ruleRange[1]);
      if (lo > hi) {
        next.push(range);
        continue;
      }
      if (rule.RuleAction === 'deny') return { ...(rule.RuleNumber !== undefined ? { ruleNumber: rule.RuleNumber } : {}), ports: [lo, hi] };
      if (range[0] < lo) next.push([range[0], lo - 1]);
      if (hi < range[1]) next.push([hi + 1, range[1]]);
    }
    open = next;
    if (open.length === 0) return undefined;
  }
  const [first] = open;
  return first ? { ports: first } : undefined;
}

/** Whether `outer` (IPv4 CIDR) contains every address of `inner`. */
export function cidrCovers(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  if (!a || !b || a.prefix > b.prefix) return false;
  const mask = a.prefix === 0 ? 0 : (0xffffffff << (32 - a.prefix)) >>> 0;
  return ((a.address & mask) >>> 0) === ((b.address & mask) >>> 0);
}

function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  return { address: octets.reduce((sum, octet) => ((sum << 8) | octet) >>> 0, 0), prefix };
}

// ------------------------------------------------------------------------------------ describe calls

interface GroupLookup {
  readonly found: SecurityGroup[];
  readonly missing: string[];
}

/** Describe calls, each made once per VPC (or id) and cached for the whole analysis. */
class NetworkView {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly ec2: EC2Client) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.cache.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.cache.set(key, value);
    }
    return value;
  }

  async subnet(subnetId: string): Promise<Subnet | undefined> {
    return this.once(`subnet:${subnetId}`, async () => {
      const page = await this.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }));
      return page.Subnets?.find((subnet) => subnet.SubnetId === subnetId);
    });
  }

  private routeTables(vpcId: string): Promise<RouteTable[]> {
    return this.once(`rtb:${vpcId}`, async () => {
      const tables: RouteTable[] = [];
      let token: string | undefined;
      do {
        const page = await this.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }], ...(token ? { NextToken: token } : {}) }));
        tables.push(...(page.RouteTables ?? []));
        token = page.NextToken;
      } while (token);
      return tables;
    });
  }

  /** The subnet's explicitly associated table, else the VPC's main table. */
  async routeTableOf(subnet: Subnet): Promise<RouteTable | undefined> {
    return effectiveRouteTable(await this.routeTables(subnet.VpcId ?? ''), subnet.SubnetId ?? '').table;
  }

  private networkAcls(vpcId: string): Promise<NetworkAcl[]> {
    return this.once(`acl:${vpcId}`, async () => {
      const acls: NetworkAcl[] = [];
      let token: string | undefined;
      do {
        const page = await this.ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }], ...(token ? { NextToken: token } : {}) }));
        acls.push(...(page.NetworkAcls ?? []));
        token = page.NextToken;
      } while (token);
      return acls;
    });
  }

  /** The subnet's associated network ACL (every subnet has exactly one), else the VPC's default ACL. */
  async networkAclOf(subnet: Subnet): Promise<NetworkAcl | undefined> {
    const acls = await this.networkAcls(subnet.VpcId ?? '');
    const associated = acls.find((acl) => acl.Associations?.some((association) => association.SubnetId === subnet.SubnetId));
    return associated ?? acls.find((acl) => acl.IsDefault === true);
  }

  async natGateway(vpcId: string, natGatewayId: string): Promise<NatGateway | undefined> {
    const nats = await this.once(`nat:${vpcId}`, async () => {
      const found: NatGateway[] = [];
      let token: string | undefined;
      do {
        const page = await this.ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }], ...(token ? { NextToken: token } : {}) }));
        found.push(...(page.NatGateways ?? []));
        token = page.NextToken;
      } while (token);
      return found;
    });
    return nats.find((nat) => nat.NatGatewayId === natGatewayId);
  }

  async internetGateway(internetGatewayId: string): Promise<InternetGateway | undefined> {
    return this.once(`igw:${internetGatewayId}`, async () => {
      const page = await this.ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'internet-gateway-id', Values: [internetGatewayId] }] }));
      return page.InternetGateways?.find((igw) => igw.InternetGatewayId === internetGatewayId);
    });
  }

  async egressOnlyInternetGateway(id: string): Promise<EgressOnlyInternetGateway | undefined> {
    const all = await this.once('eigw', async () => {
      // Listed whole and matched here: moto ignores filters on this call (EMULATOR.md).
      const found: EgressOnlyInternetGateway[] = [];
      let token: string | undefined;
      do {
        const page = await this.ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ ...(token ? { NextToken: token } : {}) }));
        found.push(...(page.EgressOnlyInternetGateways ?? []));
        token = page.NextToken;
      } while (token);
      return found;
    });
    return all.find((eigw) => eigw.EgressOnlyInternetGatewayId === id);
  }

  async securityGroups(groupIds: readonly string[]): Promise<GroupLookup> {
    if (groupIds.length === 0) return { found: [], missing: [] };
    const page = await this.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [...groupIds] }] }));
    const found = (page.SecurityGroups ?? []).filter((group) => group.GroupId && groupIds.includes(group.GroupId));
    return { found, missing: groupIds.filter((id) => !found.some((group) => group.GroupId === id)) };
  }
}
