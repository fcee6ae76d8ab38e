import type { PlannedSubnet, SubnetTier } from '../shared/types';
import { blockSize, contains, formatIpv4Block, overlaps, subBlock, type Ipv4Block } from './cidr';

/**
 * The subnet layout of a new VPC: one public and one private subnet per AZ.
 *
 * The first half of the VPC holds the private subnets (one equal share per AZ slot), because Lambda's
 * Hyperplane ENIs, the probe's and every other function sharing the network live there. The public subnets
 * only hold the NAT gateways: each is a quarter of a private subnet, at the start of the second half. The rest
 * of the second half is left free for later growth. No two subnets overlap and all fit in the VPC by construction.
 */

/** Smallest private subnet: a /26 has 59 usable addresses (AWS keeps 5), room for many subnet/SG ENIs. */
export const MIN_PRIVATE_PREFIX = 26;
/** AWS's smallest subnet; a public subnet only holds the NAT gateway. */
export const MIN_PUBLIC_PREFIX = 28;
/** AWS's largest VPC block. */
export const MAX_VPC_PREFIX_LENGTH = 16;
/** Public subnets are this many prefix bits smaller than private ones (a quarter of their size). */
const PUBLIC_SHRINK = 2;

/** Bits that number the AZ slots: 1 AZ -> 0, 2 -> 1, 3-4 -> 2, 5-8 -> 3. */
function azBits(azCount: number): number {
  return Math.ceil(Math.log2(Math.max(1, azCount)));
}

/** The longest VPC prefix (smallest VPC) the plan fits in for this many AZs. */
export function longestVpcPrefix(azCount: number): number {
  return Math.min(MIN_PRIVATE_PREFIX, MIN_PUBLIC_PREFIX - PUBLIC_SHRINK) - 1 - azBits(azCount);
}

export function planSubnets(vpc: Ipv4Block, azs: readonly string[], ipv6: boolean): PlannedSubnet[] {
  if (vpc.prefix > longestVpcPrefix(azs.length)) {
    throw new Error(`a /${vpc.prefix} VPC is too small for ${azs.length} AZs (the plan needs /${longestVpcPrefix(azs.length)} or larger)`);
  }
  const privatePrefix = vpc.prefix + 1 + azBits(azs.length);
  const publicPrefix = privatePrefix + PUBLIC_SHRINK;
  const secondHalf = subBlock(vpc, vpc.prefix + 1, 1);
  const plan: PlannedSubnet[] = [];
  azs.forEach((az, index) => {
    plan.push(planned(az, 'public', subBlock(secondHalf, publicPrefix, index), ipv6, plan.length));
    plan.push(planned(az, 'private', subBlock(vpc, privatePrefix, index), ipv6, plan.length));
  });
  return plan;
}

function planned(az: string, tier: SubnetTier, block: Ipv4Block, ipv6: boolean, ipv6Index: number): PlannedSubnet {
  return { az, tier, cidr: formatIpv4Block(block), ...(ipv6 ? { ipv6SubnetIndex: ipv6Index } : {}) };
}

/** Preferred sizes of a subnet added to an existing VPC, largest first; the last is the smallest acceptable. */
export const EXISTING_VPC_SUBNET_PREFIXES: Record<SubnetTier, readonly number[]> = {
  private: [24, 25, MIN_PRIVATE_PREFIX],
  public: [27, MIN_PUBLIC_PREFIX],
};

/**
 * The first free aligned block of the largest preferred size inside the VPC's CIDR blocks, avoiding every
 * block already taken. Undefined when none of the sizes fits anywhere.
 */
export function findFreeBlock(vpcBlocks: readonly Ipv4Block[], taken: readonly Ipv4Block[], prefixes: readonly number[]): Ipv4Block | undefined {
  for (const prefix of prefixes) {
    for (const vpc of vpcBlocks) {
      if (prefix < vpc.prefix) continue;
      const count = blockSize(vpc.prefix) / blockSize(prefix);
      for (let index = 0; index < count; index += 1) {
        const candidate = subBlock(vpc, prefix, index);
        if (contains(vpc, candidate) && !taken.some((block) => overlaps(block, candidate))) return candidate;
      }
    }
  }
  return undefined;
}
