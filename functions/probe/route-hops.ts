import type { NatGateway, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { IPV6_DEFAULT, routeTarget, routeTo } from '../network/route-tables';
import type { NetworkView } from './reachability-facts';
import { INTERNET_V4 } from './traffic-rules';
import type { BrokenHop, PathStep } from './types';

/**
 * The routing hops of one subnet's way out, one function each, in the order reachability.ts walks them: subnet
 * -> route table -> 0.0.0.0/0 target -> NAT gateway state -> the NAT subnet's 0.0.0.0/0 -> an internet gateway
 * attached to the VPC; ::/0 -> an egress-only internet gateway when IPv6 is on.
 */

/** A hop that passed (the step shown, if it shows one, and what the next hops need), or the broken hop. */
export type HopResult<T> = PassedHop<T> | StoppedHop;
export interface PassedHop<T> {
  readonly passed: true;
  readonly step?: Omit<PathStep, 'ok'>;
  readonly facts: T;
}
export interface StoppedHop {
  readonly passed: false;
  readonly broken: BrokenHop;
  /** The path leads somewhere this analysis cannot follow: the probe decides. */
  readonly inconclusive: boolean;
}

export const pass = <T>(facts: T, step?: Omit<PathStep, 'ok'>): PassedHop<T> => ({ passed: true, facts, ...(step ? { step } : {}) });
export const stop = (broken: BrokenHop, inconclusive = false): StoppedHop => ({ passed: false, broken, inconclusive });

/** The function's subnet, where every hop of its path is reported. */
export interface SubnetAt {
  readonly subnetId: string;
  readonly subnet: Subnet;
  readonly vpcId: string;
  readonly az: string;
}

export async function subnetHop(network: NetworkView, subnetId: string): Promise<HopResult<SubnetAt>> {
  const subnet = await network.subnet(subnetId);
  if (!subnet?.VpcId) {
    return stop({ hop: 'subnet', subnetId, resourceId: subnetId, explanation: `${subnetId} does not exist`, fix: `put existing private subnets in the function's VpcConfig` });
  }
  const vpcId = subnet.VpcId;
  const az = subnet.AvailabilityZone ?? 'its AZ';
  return pass({ subnetId, subnet, vpcId, az }, { hop: 'subnet', resourceId: subnetId, detail: `${subnetId} (${subnet.CidrBlock ?? '?'}) in ${vpcId}, ${az}` });
}

interface TableAt {
  readonly table: RouteTable;
  readonly rtb: string;
}

export async function routeTableHop(network: NetworkView, at: SubnetAt): Promise<HopResult<TableAt>> {
  const { subnetId, vpcId } = at;
  const table = await network.routeTableOf(at.subnet);
  if (!table?.RouteTableId) {
    return stop({ hop: 'route-table', subnetId, resourceId: vpcId, explanation: `${subnetId} has no route table (and ${vpcId} has no main route table)`, fix: `associate ${subnetId} with a route table whose 0.0.0.0/0 goes to a NAT gateway` });
  }
  const rtb = table.RouteTableId;
  const explicit = table.Associations?.some((association) => association.SubnetId === subnetId) ?? false;
  return pass({ table, rtb }, { hop: 'route-table', resourceId: rtb, detail: `${subnetId} uses ${rtb} (${explicit ? 'explicit association' : "the VPC's main route table"})` });
}

/** The default route must go to a NAT gateway or a NAT instance's interface; passes with its id (the NAT hop shows the step). */
export function defaultRouteHop(at: SubnetAt, { table, rtb }: TableAt): HopResult<string> {
  const { subnetId, az } = at;
  const defaultRoute = routeTo(table, INTERNET_V4);
  if (!defaultRoute) {
    return stop({
      hop: 'default-route',
      subnetId,
      resourceId: rtb,
      explanation: `${subnetId} is isolated: its route table ${rtb} has no default route (0.0.0.0/0), so nothing in it reaches the internet`,
      fix: `add the route 0.0.0.0/0 -> a NAT gateway in a public subnet of ${az} to ${rtb}`,
    });
  }
  const target = routeTarget(defaultRoute);
  if (defaultRoute.State === 'blackhole') {
    return stop({
      hop: 'default-route',
      subnetId,
      resourceId: target,
      explanation: `the default route of ${rtb} goes to ${target}, which no longer exists (the route is a black hole)`,
      fix: `point 0.0.0.0/0 of ${rtb} at an available NAT gateway in a public subnet of ${az}`,
    });
  }
  if (defaultRoute.GatewayId?.startsWith('igw-')) {
    return stop({
      hop: 'default-route',
      subnetId,
      resourceId: defaultRoute.GatewayId,
      explanation: `${subnetId} is public: its default route goes to ${defaultRoute.GatewayId}; a Lambda function there gets no internet access — use the private subnets`,
      fix: `attach the function to the private subnets (default route -> a NAT gateway) instead of ${subnetId}: Lambda's network interfaces never get public IP addresses`,
    });
  }
  // A NAT instance: the route names its network interface (nat-instance-hop.ts follows it).
  if (!defaultRoute.NatGatewayId && defaultRoute.NetworkInterfaceId) return pass(defaultRoute.NetworkInterfaceId);
  if (!defaultRoute.NatGatewayId) {
    return stop(
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
  return pass(defaultRoute.NatGatewayId);
}

export interface NatAt {
  readonly natVia: string;
  readonly nat: NatGateway;
  readonly natSubnet: Subnet | undefined;
}

export async function natGatewayHop(network: NetworkView, at: SubnetAt, rtb: string, natVia: string): Promise<HopResult<NatAt>> {
  const { subnetId, az } = at;
  const nat = await network.natGateway(at.vpcId, natVia);
  const natState = nat?.State;
  if (!nat || natState === 'deleted' || natState === 'deleting') {
    return stop({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `the default route of ${rtb} goes to ${natVia}, which is ${natState ?? 'gone'}: the route leads nowhere`,
      fix: `point 0.0.0.0/0 of ${rtb} at an available NAT gateway in a public subnet of ${az} (running lambda-egress again recreates it)`,
    });
  }
  if (natState === 'failed') {
    return stop({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `${natVia}, the default route of ${rtb}, failed: ${nat.FailureMessage ?? 'no message'} (${nat.FailureCode ?? 'no code'})`,
      fix: `delete ${natVia}, create a new NAT gateway in a public subnet of ${az} and point 0.0.0.0/0 of ${rtb} at it (running lambda-egress again does both)`,
    });
  }
  if (natState !== 'available') {
    return stop({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `${natVia}, the default route of ${rtb}, is ${natState ?? 'in an unknown state'}, not available`,
      fix: `wait until ${natVia} is available (usually 1-3 minutes) and try again`,
    });
  }
  if (nat.ConnectivityType === 'private') {
    return stop({
      hop: 'nat-gateway',
      subnetId,
      resourceId: natVia,
      explanation: `${natVia} is a private NAT gateway: it translates addresses for other networks but cannot reach the internet`,
      fix: `point 0.0.0.0/0 of ${rtb} at a public NAT gateway (with an Elastic IP) in a public subnet`,
    });
  }
  if (nat.AvailabilityMode === 'regional') {
    return pass({ natVia, nat, natSubnet: undefined }, { hop: 'nat-gateway', resourceId: natVia, detail: `${natVia} is a regional NAT gateway, available for every AZ of ${at.vpcId}` });
  }
  const natSubnet = nat.SubnetId ? await network.subnet(nat.SubnetId) : undefined;
  const crossAz = natSubnet?.AvailabilityZone && natSubnet.AvailabilityZone !== at.subnet.AvailabilityZone ? ` (in ${natSubnet.AvailabilityZone}: cross-AZ, depends on that AZ)` : '';
  return pass({ natVia, nat, natSubnet }, { hop: 'nat-gateway', resourceId: natVia, detail: `${natVia} is available in ${nat.SubnetId ?? '?'}${crossAz}` });
}

interface NatExitAt {
  /** Unset for a regional NAT gateway, which lives in no subnet. */
  readonly natSubnet: Subnet | undefined;
  readonly natTableId: string;
  readonly natIgw: string;
}

export async function natSubnetRouteHop(network: NetworkView, at: SubnetAt, rtb: string, { natVia, nat, natSubnet }: NatAt): Promise<HopResult<NatExitAt>> {
  if (nat.AvailabilityMode === 'regional') return regionalNatExitHop(network, at, natVia);
  const natTable = natSubnet ? await network.routeTableOf(natSubnet) : undefined;
  const natDefault = natTable ? routeTo(natTable, INTERNET_V4) : undefined;
  const natIgw = natDefault?.State !== 'blackhole' && natDefault?.GatewayId?.startsWith('igw-') ? natDefault.GatewayId : undefined;
  if (!natSubnet || !natTable?.RouteTableId || !natIgw) {
    const where = natTable?.RouteTableId
      ? `whose route table ${natTable.RouteTableId} ${natDefault ? `sends 0.0.0.0/0 to ${routeTarget(natDefault)}` : 'has no default route'}`
      : 'which has no route table';
    return stop({
      hop: 'nat-subnet-route',
      subnetId: at.subnetId,
      resourceId: nat.SubnetId,
      explanation: `${natVia} sits in ${nat.SubnetId ?? 'an unknown subnet'}, ${where}, not to an internet gateway: the NAT gateway itself has no way out (a NAT gateway must be in a public subnet)`,
      fix: `create the NAT gateway in a public subnet (0.0.0.0/0 -> an internet gateway attached to ${at.vpcId}) and point ${rtb} at it`,
    });
  }
  const natTableId = natTable.RouteTableId;
  return pass({ natSubnet, natTableId, natIgw }, { hop: 'nat-subnet-route', resourceId: natTableId, detail: `${nat.SubnetId} routes 0.0.0.0/0 to ${natIgw} via ${natTableId}` });
}

/**
 * A regional NAT gateway has no subnet: AWS gives it a route table of its own whose default route goes to the
 * VPC's internet gateway (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html), so its
 * way out is the internet gateway attached to the VPC.
 */
async function regionalNatExitHop(network: NetworkView, at: SubnetAt, natVia: string): Promise<HopResult<NatExitAt>> {
  const igw = (await network.attachedInternetGateway(at.vpcId))?.InternetGatewayId;
  if (!igw) {
    return stop({
      hop: 'nat-subnet-route',
      subnetId: at.subnetId,
      resourceId: natVia,
      explanation: `${natVia} is a regional NAT gateway, which leaves through the VPC's internet gateway, and ${at.vpcId} has none attached: the NAT gateway itself has no way out`,
      fix: `create an internet gateway and attach it to ${at.vpcId} (running lambda-egress again does both)`,
    });
  }
  return pass({ natSubnet: undefined, natTableId: `${natVia}'s route table`, natIgw: igw }, { hop: 'nat-subnet-route', resourceId: natVia, detail: `${natVia} (regional) leaves through ${igw}, the internet gateway of ${at.vpcId}` });
}

export async function internetGatewayHop(network: NetworkView, at: SubnetAt, { natSubnet, natTableId, natIgw }: NatExitAt): Promise<HopResult<undefined>> {
  const { vpcId } = at;
  const igw = await network.internetGateway(natIgw);
  const attached = igw?.Attachments?.some((attachment) => attachment.VpcId === vpcId && ['available', 'attached'].includes(attachment.State ?? '')) ?? false;
  if (!attached) {
    return stop({
      hop: 'internet-gateway',
      subnetId: at.subnetId,
      resourceId: natIgw,
      explanation: `${natIgw}, the way out of ${natSubnet?.SubnetId ?? 'the regional NAT gateway'}, ${igw ? `is not attached to ${vpcId}` : 'does not exist'}: the NAT gateway's traffic stops there`,
      fix: igw
        ? `attach it: aws ec2 attach-internet-gateway --internet-gateway-id ${natIgw} --vpc-id ${vpcId}`
        : `create an internet gateway, attach it to ${vpcId} and point 0.0.0.0/0 of ${natTableId} at it`,
    });
  }
  return pass(undefined, { hop: 'internet-gateway', resourceId: natIgw, detail: `${natIgw} is attached to ${vpcId}` });
}

/** IPv6: ::/0 to an egress-only internet gateway attached to the VPC (an internet gateway works outbound too). */
export async function ipv6RouteHop(network: NetworkView, at: SubnetAt, { table, rtb }: TableAt): Promise<HopResult<undefined>> {
  const { subnetId, vpcId } = at;
  const v6 = routeTo(table, IPV6_DEFAULT);
  const v6Target = v6 ? routeTarget(v6) : undefined;
  if (!v6 || v6.State === 'blackhole') {
    return stop({
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
      return stop({
        hop: 'ipv6-route',
        subnetId,
        resourceId: v6.EgressOnlyInternetGatewayId,
        explanation: `::/0 of ${rtb} goes to ${v6.EgressOnlyInternetGatewayId}, which ${eigw ? `is not attached to ${vpcId}` : 'does not exist'}`,
        fix: `create an egress-only internet gateway in ${vpcId} and point ::/0 of ${rtb} at it`,
      });
    }
    return pass(undefined, { hop: 'ipv6-route', resourceId: v6.EgressOnlyInternetGatewayId, detail: `${rtb} routes ::/0 to ${v6.EgressOnlyInternetGatewayId}` });
  }
  if (v6.GatewayId?.startsWith('igw-')) {
    return pass(undefined, { hop: 'ipv6-route', resourceId: v6.GatewayId, detail: `${rtb} routes ::/0 to ${v6.GatewayId} (works outbound; an egress-only gateway would also keep inbound IPv6 out)` });
  }
  return stop(
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
