import type { RouteTable } from '@aws-sdk/client-ec2';
import type { NormalizedNetwork, PlannedSubnet, SubnetTier } from '../shared/types';
import { formatIpv4Block, ipv4Block, ipv6SubnetIndex, type Ipv4Block } from './cidr';
import { EXISTING_VPC_SUBNET_PREFIXES, findFreeBlock } from './cidr-plan';
import { hasOnlyLocalRoutes } from './route-tables';
import type { AuditedNatGateway, AuditedSubnet, AzRepair, NatPlan } from './types';
import { natModeOf } from './nat-modes';

/**
 * The repair plan of an existing VPC, from its classified subnets and NAT gateways (pure, no AWS). Per AZ, the
 * least that gives the function a private subnet with a NAT route:
 *   - a private subnet whose NAT works is used as it is;
 *   - else an isolated subnet: on its own route table it gets a 0.0.0.0/0 route added; on the main table (only
 *     when that table has nothing but local routes) it moves to a lambda-egress table — the main table itself
 *     is never changed, because every subnet without an explicit association follows it;
 *   - else a new private subnet in free CIDR space.
 * NAT gateways are reused when usable, else planned in the AZ's public subnet, or in a new public subnet. A
 * usable regional NAT gateway serves every AZ of the VPC; natGateways "regional" plans one when there is none.
 */

export interface ClassifiedVpc {
  readonly cidrAssociations: ReadonlyArray<{ CidrBlock?: string; CidrBlockState?: { State?: string } }>;
  readonly main: RouteTable;
  readonly subnets: readonly AuditedSubnet[];
  readonly natGateways: readonly AuditedNatGateway[];
}

/** How one AZ gets its private subnet: an audited subnet, a planned one, or none at all. */
type AzDecision =
  | { readonly az: string; readonly routing: 'ready' | 'add-route' | 'dedicated-table'; readonly subnet: AuditedSubnet }
  | { readonly az: string; readonly routing: 'dedicated-table'; readonly planned: PlannedSubnet }
  | { readonly az: string; readonly routing: 'none' };

export interface RepairPlan {
  readonly decisions: AzDecision[];
  /** The AZs that get a private subnet with a NAT route, each with its NAT plan. */
  readonly repairs: AzRepair[];
  readonly subnetsToCreate: PlannedSubnet[];
  /** An AZ needs a NAT gateway, and none can be reused or placed in any AZ. */
  readonly noRoomForNat: boolean;
}

type Network = Pick<NormalizedNetwork, 'azs' | 'ipv6' | 'natGateways'>;
type Take = (az: string, tier: SubnetTier) => PlannedSubnet | undefined;
type PlannedRepair = Omit<AzRepair, 'nat'> & { readonly natTargetId?: string };

export function usableNat(natGateways: readonly AuditedNatGateway[], id: string | undefined): AuditedNatGateway | undefined {
  return natGateways.find((nat) => nat.natTargetId === id && nat.usable);
}

export function planRepairs(vpc: ClassifiedVpc, network: Network): RepairPlan {
  const space = new FreeSpace(vpc.cidrAssociations, vpc.subnets, network.ipv6);
  const subnetsToCreate: PlannedSubnet[] = [];
  const take: Take = (az, tier) => {
    const planned = space.take(az, tier);
    if (planned) subnetsToCreate.push(planned);
    return planned;
  };
  const decisions = network.azs.map((az) => decideAz(vpc, network, az, take));
  const repairs = decisions.flatMap(repairOf);
  const natPlans = planNats(vpc, network, repairs, take);
  const needsNat = repairs.filter((repair) => repair.privateRouting !== 'ready');
  const plannedNats = [...natPlans.values()].filter((nat) => nat.placement !== 'other-az');
  return {
    decisions,
    repairs: repairs.map(({ natTargetId: _natTargetId, ...repair }) => ({ ...repair, nat: natPlans.get(repair.az) ?? { placement: 'other-az' } })),
    subnetsToCreate,
    noRoomForNat: needsNat.length > 0 && plannedNats.length === 0,
  };
}

/** Lambda-egress's own subnets first, then by id: every run picks the same one. */
function preferred<T extends { managed: boolean; subnetId: string }>(candidates: readonly T[]): T | undefined {
  return [...candidates].sort((a, b) => Number(b.managed) - Number(a.managed) || a.subnetId.localeCompare(b.subnetId))[0];
}

function decideAz(vpc: ClassifiedVpc, network: Network, az: string, take: Take): AzDecision {
  const inAz = vpc.subnets.filter((subnet) => subnet.az === az && (!network.ipv6 || subnet.ipv6Cidr));
  const ready = preferred(inAz.filter((subnet) => subnet.class === 'private' && usableNat(vpc.natGateways, subnet.defaultRouteTarget)));
  if (ready) return { az, routing: 'ready', subnet: ready };
  const onOwnTable = preferred(inAz.filter((subnet) => subnet.class === 'isolated' && !subnet.routeTableIsMain));
  if (onOwnTable) return { az, routing: 'add-route', subnet: onOwnTable };
  const onMainTable = preferred(inAz.filter((subnet) => subnet.class === 'isolated' && subnet.routeTableIsMain && hasOnlyLocalRoutes(vpc.main)));
  if (onMainTable) return { az, routing: 'dedicated-table', subnet: onMainTable };
  const planned = take(az, 'private');
  return planned ? { az, routing: 'dedicated-table', planned } : { az, routing: 'none' };
}

function repairOf(decision: AzDecision): PlannedRepair[] {
  if (decision.routing === 'none') return [];
  const { az, routing } = decision;
  if ('planned' in decision) return [{ az, privateRouting: routing }];
  const { subnet } = decision;
  return [{ az, privateSubnetId: subnet.subnetId, privateRouting: routing, ...(routing === 'ready' ? { natTargetId: subnet.defaultRouteTarget ?? '' } : {}) }];
}

function existingNat(nat: AuditedNatGateway): NatPlan {
  return { placement: 'existing', natTargetId: nat.natTargetId, az: nat.az, subnetId: nat.subnetId };
}

function planNats(vpc: ClassifiedVpc, network: Network, repairs: readonly PlannedRepair[], take: Take): Map<string, NatPlan> {
  const { natGateways } = vpc;
  const needsNat = repairs.filter((repair) => repair.privateRouting !== 'ready');
  const natPlans = new Map<string, NatPlan>();
  for (const repair of repairs) {
    const nat = usableNat(natGateways, repair.natTargetId);
    if (repair.privateRouting === 'ready' && nat) natPlans.set(repair.az, existingNat(nat));
  }
  const newNatIn = (az: string): NatPlan | undefined => {
    const existing = natGateways.find((nat) => nat.usable && nat.az === az);
    if (existing) return existingNat(existing);
    const publicSubnet = preferred(vpc.subnets.filter((subnet) => subnet.class === 'public' && subnet.az === az));
    if (publicSubnet) return { placement: 'new', subnetId: publicSubnet.subnetId };
    return take(az, 'public') ? { placement: 'new' } : undefined;
  };
  // A usable regional NAT gateway of the VPC serves every AZ, whatever the mode; otherwise the mode places them.
  const regional = natGateways.find((nat) => nat.usable && nat.availabilityMode === 'regional');
  const azs = needsNat.map((repair) => repair.az);
  const placed = regional ? azs.map((az) => [az, existingNat(regional)] as const) : natModeOf(network.natGateways).auditNats(azs, { natGateways, known: new Map(natPlans), newNatIn, existingNat });
  for (const [az, plan] of placed) natPlans.set(az, plan);
  return natPlans;
}

/** Free IPv4 (and IPv6 /64) space of the VPC, handed out to planned subnets. */
class FreeSpace {
  private readonly vpcBlocks: Ipv4Block[];
  private readonly taken: Ipv4Block[];
  private readonly usedIpv6: Set<number>;

  constructor(
    associations: ClassifiedVpc['cidrAssociations'],
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
