import type { NormalizedNetwork } from '../shared/types';
import { usableNat, type ClassifiedVpc, type RepairPlan } from './audit-plan';
import { natModeOf } from './nat-modes';
import type { ReportedSubnet } from './types';

/** The audit in plain words: what already works, what lambda-egress will add, and what it leaves alone (and why). */
interface AuditNarrative {
  readonly present: string[];
  readonly missing: string[];
  readonly cannotFix: string[];
  /** Subnets reported and left alone (default route elsewhere, broken NAT...). */
  readonly reported: ReportedSubnet[];
}

type AuditedVpc = ClassifiedVpc & { readonly vpcId: string; readonly internetGatewayId: string | undefined };
type NarratedNetwork = Pick<NormalizedNetwork, 'ipv6' | 'natGateways'>;

export function narrateAudit(vpc: AuditedVpc, plan: RepairPlan, network: NarratedNetwork): AuditNarrative {
  const narrative: AuditNarrative = { present: [], missing: [], cannotFix: [], reported: [] };
  narrateGateways(narrative, vpc);
  narrateSubnets(narrative, vpc);
  for (const decision of plan.decisions) narrateDecision(narrative, vpc, decision, network);
  narrateRepairs(narrative, plan, network);
  if (!vpc.internetGatewayId && plan.subnetsToCreate.some((planned) => planned.tier === 'public')) {
    narrative.missing.push('a lambda-egress public route table (0.0.0.0/0 -> the internet gateway) for the new public subnets');
  }
  return narrative;
}

/** The internet gateway and the NATs found: used, or why not. */
function narrateGateways({ present, missing, cannotFix }: AuditNarrative, vpc: AuditedVpc): void {
  const { vpcId, internetGatewayId, natGateways } = vpc;
  if (internetGatewayId) present.push(`internet gateway ${internetGatewayId} attached to ${vpcId}`);
  else missing.push(`an internet gateway attached to ${vpcId}`);
  for (const nat of natGateways) {
    if (nat.kind === 'instance') {
      if (nat.usable) present.push(`NAT instance network interface ${nat.natTargetId} (source/destination check off, a public IP) in public subnet ${nat.subnetId} (${nat.az})`);
      else cannotFix.push(`network interface ${nat.natTargetId} in ${nat.subnetId}, a default route's target, is no usable NAT instance (it needs a public IP, a public subnet and an instance): not used`);
    } else if (nat.availabilityMode === 'regional') {
      if (nat.usable) present.push(`regional NAT gateway ${nat.natTargetId} (${nat.state}), for every AZ of ${vpcId}`);
      else cannotFix.push(`regional NAT gateway ${nat.natTargetId} is ${nat.state === 'available' || nat.state === 'pending' ? `unusable: ${vpcId} has no internet gateway yet` : nat.state}: not used`);
    } else if (nat.usable) present.push(`NAT gateway ${nat.natTargetId} (${nat.state}) in public subnet ${nat.subnetId} (${nat.az})`);
    else cannotFix.push(`NAT gateway ${nat.natTargetId} in ${nat.subnetId} is ${nat.state === 'available' || nat.state === 'pending' ? 'not in a public subnet' : nat.state}: not used`);
  }
}

/** The subnets found: used as they are, or reported and left alone (a route lambda-egress did not create). */
function narrateSubnets({ present, cannotFix, reported }: AuditNarrative, vpc: AuditedVpc): void {
  const { natGateways } = vpc;
  for (const subnet of vpc.subnets) {
    const leftAlone = (reason: string) => {
      reported.push({ subnetId: subnet.subnetId, routeTableId: subnet.routeTableId, target: subnet.defaultRouteTarget ?? 'unknown', reason });
      cannotFix.push(`${subnet.subnetId} (${subnet.az}): ${reason}`);
    };
    if (subnet.class === 'routed-elsewhere') {
      leftAlone(`its default route goes to ${subnet.defaultRouteTarget}, which lambda-egress did not put there: the subnet and its route table ${subnet.routeTableId} are left as they are`);
    } else if (subnet.class === 'private' && !usableNat(natGateways, subnet.defaultRouteTarget)) {
      leftAlone(`its default route goes to NAT gateway ${subnet.defaultRouteTarget}, which is not usable (deleted, failed or not in a public subnet); lambda-egress does not rewrite a route it did not create`);
    } else if (subnet.class === 'public' || subnet.class === 'private') {
      present.push(`${subnet.class} subnet ${subnet.subnetId} (${subnet.az}, ${subnet.cidr}) via ${subnet.routeTableId} -> ${subnet.defaultRouteTarget}`);
    }
  }
}

/** One AZ of the plan: routed already, what is added, or why the function will not use it. */
function narrateDecision({ present, missing, cannotFix }: AuditNarrative, vpc: AuditedVpc, decision: RepairPlan['decisions'][number], network: NarratedNetwork): void {
  const { vpcId } = vpc;
  const { az } = decision;
  if (decision.routing === 'none') {
    cannotFix.push(`${az}: no private subnet can be used or added (no free ${network.ipv6 ? 'IPv4 /26 or IPv6 /64' : '/26'} in ${vpcId}): the function will not use this AZ`);
  } else if ('planned' in decision) {
    missing.push(`${az}: a private subnet (${decision.planned.cidr}) with a lambda-egress route table and a NAT route`);
  } else if (decision.routing === 'ready') {
    const ready = decision.subnet;
    present.push(`${az}: private subnet ${ready.subnetId} already routes 0.0.0.0/0 to ${ready.defaultRouteTarget}`);
    if (network.ipv6 && ready.routeTableIsMain && !ready.ipv6DefaultRouteTarget) {
      cannotFix.push(`${ready.subnetId} (${az}) is routed by the main table ${ready.routeTableId}, which lambda-egress does not change: it gets no ::/0 route (IPv6 egress)`);
    }
  } else if (decision.routing === 'add-route') {
    missing.push(`${az}: a 0.0.0.0/0 route to a NAT gateway in ${decision.subnet.routeTableId}, the route table of isolated subnet ${decision.subnet.subnetId}`);
  } else {
    missing.push(`${az}: a lambda-egress route table with a NAT route for isolated subnet ${decision.subnet.subnetId} (the main table ${vpc.main.RouteTableId} stays as it is)`);
  }
  if (network.ipv6) {
    for (const subnet of vpc.subnets.filter((candidate) => candidate.az === az && !candidate.ipv6Cidr && ['private', 'isolated'].includes(candidate.class))) {
      cannotFix.push(`${subnet.subnetId} (${az}) has no IPv6 CIDR block and network.ipv6 is on: lambda-egress does not change subnets it did not create, so it is not used`);
    }
  }
}

/** The NATs the repair reuses, adds, or cannot give an AZ. */
function narrateRepairs({ present, missing, cannotFix }: AuditNarrative, plan: RepairPlan, network: NarratedNetwork): void {
  for (const repair of plan.repairs.filter((candidate) => candidate.privateRouting !== 'ready')) {
    const { nat } = repair;
    if (nat.placement === 'existing') present.push(`${repair.az}: NAT gateway ${nat.natTargetId} will be reused`);
    else if (nat.placement === 'regional') missing.push(`${repair.az}: a route to the VPC's new regional NAT gateway (AWS-managed addresses, no public subnet)`);
    else if (nat.placement === 'new') missing.push(`${repair.az}: a NAT gateway (with an Elastic IP) in ${nat.subnetId ?? `a new public subnet (${plan.subnetsToCreate.find((planned) => planned.az === repair.az && planned.tier === 'public')?.cidr})`}`);
    else cannotFix.push(`${repair.az}: no NAT gateway of its own (${natModeOf(network.natGateways).servesAllAzs ? `natGateways is "${network.natGateways}"` : 'no room for a public subnet'}): it uses another AZ's`);
  }
}
