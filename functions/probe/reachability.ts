import type { EC2Client } from '@aws-sdk/client-ec2';
import { natNetworkAclHop, networkAclHop, securityGroupHop } from './filter-hops';
import { natInstanceHop } from './nat-instance-hop';
import { NetworkView, type GroupLookup } from './reachability-facts';
import { defaultRouteHop, internetGatewayHop, ipv6RouteHop, natGatewayHop, natSubnetRouteHop, routeTableHop, subnetHop, type HopResult, type PassedHop, type StoppedHop } from './route-hops';
import type { BrokenHop, PathStep, ReachabilityInput, ReachabilityVerdict, SubnetPath } from './types';

/**
 * Static egress path analysis, in the spirit of AWS Reachability Analyzer, from Describe calls only
 * (reachability-facts.ts). For each subnet of the function, hop by hop (route-hops.ts, filter-hops.ts): route
 * table (explicit association or the VPC's main table) -> 0.0.0.0/0 target -> NAT gateway state -> the NAT
 * subnet's 0.0.0.0/0 -> an internet gateway attached to the VPC; ::/0 -> an egress-only internet gateway when
 * IPv6 is on; security group egress to the port; the subnet's network ACL (outbound to the port, inbound return
 * traffic on ephemeral ports) and the NAT subnet's network ACL, under the rules of traffic-rules.ts. `network`: the
 * facts' cache, given when the caller reads some of them too (a join's drift check, check-join-network.ts).
 */
export async function analyzeReachability(ec2: EC2Client, input: ReachabilityInput, network = new NetworkView(ec2)): Promise<ReachabilityVerdict> {
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

/** Walks one subnet's path up to its first broken hop. */
async function checkSubnet(network: NetworkView, subnetId: string, groups: GroupLookup, input: ReachabilityInput): Promise<SubnetOutcome> {
  const steps: PathStep[] = [];
  const passed = <T>(result: HopResult<T>): result is PassedHop<T> => {
    if (result.passed && result.step) steps.push({ ...result.step, ok: true });
    if (!result.passed) steps.push({ hop: result.broken.hop, ...(result.broken.resourceId ? { resourceId: result.broken.resourceId } : {}), ok: false, detail: result.broken.explanation });
    return result.passed;
  };
  const stopped = (result: StoppedHop): SubnetOutcome => ({ steps, broken: result.broken, inconclusive: result.inconclusive });

  const subnet = await subnetHop(network, subnetId);
  if (!passed(subnet)) return stopped(subnet);
  const at = subnet.facts;
  const table = await routeTableHop(network, at);
  if (!passed(table)) return stopped(table);
  const { rtb } = table.facts;
  const natVia = defaultRouteHop(at, table.facts);
  if (!passed(natVia)) return stopped(natVia);
  // A NAT gateway, or a NAT instance's network interface (nat-instance-hop.ts); then its subnet's way out.
  const nat = natVia.facts.startsWith('eni-') ? await natInstanceHop(network, at, rtb, natVia.facts) : await natGatewayHop(network, at, rtb, natVia.facts);
  if (!passed(nat)) return stopped(nat);
  const natExit = await natSubnetRouteHop(network, at, rtb, nat.facts);
  if (!passed(natExit)) return stopped(natExit);
  const igw = await internetGatewayHop(network, at, natExit.facts);
  if (!passed(igw)) return stopped(igw);
  if (input.ipv6) {
    const v6 = await ipv6RouteHop(network, at, table.facts);
    if (!passed(v6)) return stopped(v6);
  }
  const group = securityGroupHop(groups, at, input);
  if (!passed(group)) return stopped(group);
  const acl = await networkAclHop(network, at, input.port);
  if (!passed(acl)) return stopped(acl);
  // A regional NAT gateway is in no subnet, so no network ACL of the VPC stands between it and the internet.
  const natSubnet = natExit.facts.natSubnet;
  const natAcl = natSubnet ? await natNetworkAclHop(network, at, natSubnet, input.port) : undefined;
  if (natAcl && !passed(natAcl)) return stopped(natAcl);
  return { steps };
}
