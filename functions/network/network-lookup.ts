import {
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type EC2Client,
  type Filter,
  type Subnet,
  type Tag,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';
import type { ManagedTagInput } from '../shared/tags';
import { hasTags, TAG_MANAGED, TAG_NETWORK, TAG_ROLE, tagValue } from '../shared/tags';
import type { PlannedSubnet, SubnetTier, TaskInput } from '../shared/types';
import type { NetworkSubnet } from './types';

/** The `lambda-egress:role` of each kind of resource: how a re-run finds exactly the one it needs. */
export const ROLE = {
  vpc: 'vpc',
  publicSubnet: 'public-subnet',
  privateSubnet: 'private-subnet',
  internetGateway: 'internet-gateway',
  egressOnlyInternetGateway: 'egress-only-internet-gateway',
  securityGroup: 'function-egress',
  natEip: 'nat-eip',
  natGateway: 'nat-gateway',
  publicRouteTable: 'public-route-table',
  privateRouteTable: (az: string) => `private-route-table-${az}`,
  s3Endpoint: 's3-endpoint',
  // natGateways "instance" (ensure-nat-instance.ts): per AZ, a group, a fixed ENI with its EIP, a launch template and an Auto Scaling group.
  natInstanceSecurityGroup: 'nat-instance-sg',
  natInstanceEni: 'nat-instance-eni',
  natInstanceEip: 'nat-instance-eip',
  natInstanceLaunchTemplate: 'nat-instance-launch-template',
  natInstanceGroup: 'nat-instance-asg',
} as const;

export function subnetRole(tier: SubnetTier): string {
  return tier === 'public' ? ROLE.publicSubnet : ROLE.privateSubnet;
}

/** Server-side filter on the network's tags; callers re-check with `isOfNetwork` (moto ignores some tag filters). */
export function networkTagFilters(networkName: string): Filter[] {
  return [
    { Name: `tag:${TAG_NETWORK}`, Values: [networkName] },
    { Name: `tag:${TAG_MANAGED}`, Values: ['true'] },
  ];
}

export function isOfNetwork(tags: readonly Tag[] | undefined, networkName: string, role?: string): boolean {
  return hasTags(tags, { [TAG_NETWORK]: networkName, [TAG_MANAGED]: 'true', ...(role ? { [TAG_ROLE]: role } : {}) });
}

/** The tags of a resource a network task creates (functions/shared/tags.ts adds the three managed keys). */
export function tagsFor(input: TaskInput & { readonly lock?: { readonly shared?: boolean } }, role: string, suffix?: string): ManagedTagInput {
  const networkName = input.request.network.name;
  // A join holds a shared claim only: creating with these tags is refused (docs/joins.md, "repair").
  const sharedClaim = input.lock?.shared === true ? { sharedClaim: true } : {};
  return { networkName, executionId: input.execution.id, role, name: `lambda-egress-${networkName}${suffix ? `-${suffix}` : ''}`, ...sharedClaim };
}

/**
 * When a network VPC was created (ISO time), set at creation: DescribeVpcs tells no creation time
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Vpc.html), and VPC ids are random, not ordered.
 */
export const TAG_CREATED_AT = 'lambda-egress:created-at';

/**
 * The VPC of a lambda-egress network, by its tags. Two can exist only if two executions raced to create the
 * same network; the oldest (by TAG_CREATED_AT; one without it, made before the tag existed, counts as older; the
 * id breaks a tie) wins so every task of every execution picks the same one.
 */
export async function findManagedVpc(ec2: EC2Client, networkName: string): Promise<Vpc | undefined> {
  const vpcs = await allPages(paginateDescribeVpcs({ client: ec2 }, { Filters: networkTagFilters(networkName) }), (page) => page.Vpcs);
  const candidates = vpcs.filter((vpc) => isOfNetwork(vpc.Tags, networkName) && vpc.VpcId);
  const createdAt = (vpc: Vpc): string => tagValue(vpc.Tags, TAG_CREATED_AT) ?? '';
  return candidates.sort((a, b) => createdAt(a).localeCompare(createdAt(b)) || (a.VpcId ?? '').localeCompare(b.VpcId ?? ''))[0];
}

/** The VPC's IPv6 /56, if one is associated (or being associated). */
export function ipv6BlockOf(vpc: Vpc): string | undefined {
  return vpc.Ipv6CidrBlockAssociationSet?.find(
    (association) => association.Ipv6CidrBlock && ['associated', 'associating'].includes(association.Ipv6CidrBlockState?.State ?? 'associated'),
  )?.Ipv6CidrBlock;
}

/** The tier of a subnet lambda-egress created for this network, from its role tag. */
export function managedSubnetTier(tags: readonly Tag[] | undefined, networkName: string): SubnetTier | undefined {
  if (!isOfNetwork(tags, networkName)) return undefined;
  const role = tagValue(tags, TAG_ROLE);
  return role === ROLE.publicSubnet ? 'public' : role === ROLE.privateSubnet ? 'private' : undefined;
}

/** NAT and endpoint states that mean "gone or never going to work". */
const GONE_STATES = new Set(['deleted', 'deleting', 'failed', 'rejected', 'expired']);

export function isGone(state: string | undefined): boolean {
  return GONE_STATES.has((state ?? '').toLowerCase());
}

/** A task needs a slice an earlier task places: a programming error in the ASL, not a user error. */
export function required<T>(value: T | undefined, path: string, producer: string): T {
  if (value === undefined || value === null) throw new Error(`${path} is missing: ${producer} must run before this task`);
  return value;
}

export async function subnetsOf(ec2: EC2Client, vpcId: string): Promise<Subnet[]> {
  return allPages(paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), (page) => page.Subnets);
}


export function toNetworkSubnet(subnet: Subnet, tier: NetworkSubnet['tier']): NetworkSubnet {
  const ipv6Cidr = subnet.Ipv6CidrBlockAssociationSet?.find((association) => association.Ipv6CidrBlock)?.Ipv6CidrBlock;
  return { subnetId: subnet.SubnetId ?? '', az: subnet.AvailabilityZone ?? '', tier, cidr: subnet.CidrBlock ?? '', ...(ipv6Cidr ? { ipv6Cidr } : {}) };
}

/** EnsureSubnets' find step: the network's subnet of this tier in this AZ, by its tags. */
export function findPlannedSubnet(subnets: readonly Subnet[], planned: Pick<PlannedSubnet, 'az' | 'tier'>, networkName: string): Subnet | undefined {
  const role = subnetRole(planned.tier);
  return subnets.find((candidate) => candidate.AvailabilityZone === planned.az && isOfNetwork(candidate.Tags, networkName, role));
}
