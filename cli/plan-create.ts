import type { EC2Client, NatGateway, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { TargetVpcConfig } from '../functions/function/function-notices';
import { findAttachedInternetGateway } from '../functions/network/find-internet-gateway';
import { natGatewaysOf, pickNatGateway } from '../functions/network/find-nat-gateway';
import { findS3Endpoint, s3ServiceName } from '../functions/network/find-s3-endpoint';
import { findNetworkSecurityGroup } from '../functions/network/find-security-group';
import { findManagedVpc, findPlannedSubnet, subnetsOf } from '../functions/network/network-lookup';
import { natModeOf } from '../functions/network/nat-modes';
import { isRegionalPlacement } from '../functions/network/types';
import { probeFunctionName } from '../functions/probe/probe-naming';
import type { NormalizedRequest } from '../functions/shared/types';

/** The execution a plan's finds run as: no resource is tagged with it, so nothing found counts as this run's own. */
export const PLAN_EXECUTION = { id: 'arn:aws:states:::execution:lambda-egress-plan:plan', name: 'plan' };

type Network = NormalizedRequest['network'];

/** What the plan says of the network: found and reused (`present`), and what provision would create (`changes`). */
export interface NetworkPlan {
  readonly mode: 'create' | 'existing';
  readonly name: string;
  /** The VPC the request would use, when it exists already. */
  readonly vpcId?: string;
  /** What is there and would be used as it is. */
  readonly present: string[];
  /** What would be created or changed. */
  readonly changes: string[];
  /** What would be reported and left alone. */
  readonly untouched: string[];
}

/** One part of the plan: what is found and what would be created. */
interface PartPlan {
  readonly present: string[];
  readonly changes: string[];
}

/** The NATs a network of this request has when provision is done: one per AZ (per-az, instance), or one (single, regional). */
export function natCount(request: NormalizedRequest): number {
  return natModeOf(request.network.natGateways).natCount(request.network.azs.length);
}

/** Create mode: a new network, or the one with this name tag, completed with whatever it lacks. */
export async function planCreateMode(ec2: EC2Client, request: NormalizedRequest): Promise<{ network: NetworkPlan; natsAdded: number; target?: TargetVpcConfig }> {
  const network = request.network;
  const vpc: Vpc | undefined = await findManagedVpc(ec2, network.name);
  if (!vpc?.VpcId) return { natsAdded: natCount(request), network: newNetworkPlan(network) };
  const vpcId = vpc.VpcId;
  // The find steps of EnsureSubnets, EnsureInternetGateway, EnsureNatGateway, EnsureSecurityGroup, EnsureS3Endpoint.
  const [subnets, igw, nats, group, endpoint] = await Promise.all([
    subnetsOf(ec2, vpcId),
    findAttachedInternetGateway(ec2, vpcId),
    natGatewaysOf(ec2, vpcId),
    findNetworkSecurityGroup(ec2, vpcId, network.name, PLAN_EXECUTION.id),
    network.s3Endpoint ? s3ServiceName(ec2).then((serviceName) => findS3Endpoint(ec2, vpcId, serviceName, network.name, PLAN_EXECUTION.id)) : undefined,
  ]);
  const subnetPlan = planSubnets(subnets, network);
  const natPlan = planNats(nats, network, subnetPlan.publicSubnets);
  const parts: PartPlan[] = [
    { present: [`VPC ${vpcId} (${vpc.CidrBlock}) of network "${network.name}": reused`], changes: [] },
    subnetPlan,
    foundOrCreated(igw?.InternetGatewayId, (id) => `internet gateway ${id}`, 'internet gateway, attached to the VPC'),
    natPlan,
    { present: [], changes: ['route tables checked and completed: public 0.0.0.0/0 -> internet gateway, private 0.0.0.0/0 -> NAT gateway'] },
    foundOrCreated(group?.GroupId, (id) => `security group ${id}`, 'security group for the function: all outbound, no inbound'),
    network.s3Endpoint ? foundOrCreated(endpoint?.VpcEndpointId, (id) => `S3 gateway endpoint ${id}`, 'S3 gateway endpoint on the private route tables (free)') : { present: [], changes: [] },
  ];
  const target = functionTarget(vpcId, subnetPlan.privateSubnetIds, group?.GroupId, network.ipv6);
  return {
    natsAdded: natPlan.natsAdded,
    network: { mode: 'create', name: network.name, vpcId, present: parts.flatMap((part) => part.present), changes: parts.flatMap((part) => part.changes), untouched: [] },
    ...(target ? { target } : {}),
  };
}

/** No VPC carries the network's name: everything is created. */
function newNetworkPlan(network: Network): NetworkPlan {
  const mode = natModeOf(network.natGateways);
  const subnets = network.subnetPlan.map((subnet) => `${subnet.tier} subnet ${subnet.cidr} in ${subnet.az}`);
  return {
    mode: 'create',
    name: network.name,
    present: [],
    changes: [
      `VPC ${network.cidr} tagged lambda-egress:network=${network.name} (DNS support and host names on${network.ipv6 ? ', an Amazon IPv6 /56' : ''})`,
      ...subnets,
      'internet gateway, attached to the VPC',
      ...(network.ipv6 ? ['egress-only internet gateway (::/0 of the private subnets)'] : []),
      mode.describeCreate(network),
      `route tables: ${mode.needsPublicSubnets ? 'public (0.0.0.0/0 -> internet gateway), ' : ''}one private per AZ (0.0.0.0/0 -> ${mode.routeTo})`,
      ...(network.s3Endpoint ? ['S3 gateway endpoint on the private route tables (free)'] : []),
      'security group for the function: all outbound, no inbound',
      `probe function ${probeFunctionName(network.name)} in the private subnets (one per network)`,
    ],
    untouched: [],
  };
}

function foundOrCreated(id: string | undefined, found: (id: string) => string, created: string): PartPlan {
  return id ? { present: [found(id)], changes: [] } : { present: [], changes: [created] };
}

/** The planned subnets found in the VPC (EnsureSubnets' find) or to be created; the NATs go in the public ones. */
function planSubnets(subnets: readonly Subnet[], network: Network): PartPlan & { publicSubnets: Array<{ az: string; subnetId?: string }>; privateSubnetIds: Array<string | undefined> } {
  const plan = { present: [] as string[], changes: [] as string[], publicSubnets: [] as Array<{ az: string; subnetId?: string }>, privateSubnetIds: [] as Array<string | undefined> };
  for (const planned of network.subnetPlan) {
    const found = findPlannedSubnet(subnets, planned, network.name);
    if (planned.tier === 'private') plan.privateSubnetIds.push(found?.SubnetId);
    if (found) plan.present.push(`${planned.tier} subnet ${found.SubnetId} (${found.CidrBlock}) in ${planned.az}`);
    else plan.changes.push(`${planned.tier} subnet ${planned.cidr} in ${planned.az}`);
    if (planned.tier === 'public') plan.publicSubnets.push({ az: planned.az, ...(found?.SubnetId ? { subnetId: found.SubnetId } : {}) });
  }
  return plan;
}

/**
 * The NATs placed as the mode places them (EnsureSubnets: one per public subnet, or the first only), found or to
 * be added; a regional NAT gateway has no subnet and is not listed here.
 */
function planNats(nats: readonly NatGateway[], network: Network, publicSubnets: ReadonlyArray<{ az: string; subnetId?: string }>): PartPlan & { natsAdded: number } {
  const modePlacements = natModeOf(network.natGateways).placements(publicSubnets.map(({ az, subnetId }) => ({ az, subnetId: subnetId ?? '' })));
  const placements = modePlacements.flatMap((placement) => (isRegionalPlacement(placement) ? [] : [{ az: placement.az, subnetId: placement.subnetId || undefined }]));
  const plan = { present: [] as string[], changes: [] as string[], natsAdded: 0 };
  for (const placement of placements) {
    const nat = placement.subnetId ? pickNatGateway(nats, { subnetId: placement.subnetId, network, executionId: PLAN_EXECUTION.id }) : undefined;
    if (nat) plan.present.push(`NAT gateway ${nat.NatGatewayId} in ${placement.az} (${nat.State})`);
    else {
      plan.changes.push(`NAT gateway with an Elastic IP in the public subnet of ${placement.az}`);
      plan.natsAdded += 1;
    }
  }
  return plan;
}

/** The VpcConfig the function would get, when every part of it exists already (the notices' snippets need the ids). */
function functionTarget(vpcId: string, privateSubnetIds: ReadonlyArray<string | undefined>, groupId: string | undefined, ipv6: boolean): TargetVpcConfig | undefined {
  if (!groupId || !privateSubnetIds.every(Boolean)) return undefined;
  return { vpcId, subnetIds: privateSubnetIds as string[], securityGroupIds: [groupId], ipv6AllowedForDualStack: ipv6 };
}
