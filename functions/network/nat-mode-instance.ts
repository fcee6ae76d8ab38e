import { PRICES } from '../shared/cost';
import type { NatMode } from './nat-mode';
import { estimateOf, natInstanceLines } from './nat-cost-lines';
import { DEFAULT_NAT_INSTANCE_TYPE } from './nat-instance-launch';
import { natInEveryAz } from './nat-zonal-audit';

/**
 * natGateways "instance": a NAT instance per AZ, an Auto Scaling group of one behind a fixed network interface
 * with an Elastic IP (ensure-nat-instance.ts); routes target that interface, readiness is the instance's
 * (nat-instance-readiness.ts), Rollback finds what a failed launch left by its tags (nat-lost-parts.ts).
 */
export const natMode: NatMode = {
  name: 'instance',
  target: 'nat-instance',
  noun: 'NAT instance',
  placements: (publicPlacements) => [...publicPlacements],
  availability: 'zonal',
  servesAllAzs: false,
  needsPublicSubnets: true,
  natCount: (azCount) => azCount,
  elasticIps: (azCount) => azCount,
  elasticIpsWhy: (azCount) => `one per NAT instance, ${azCount} AZ(s)`,
  natGatewaysToCreate: () => [],
  launchesInstances: true,
  auditNats: natInEveryAz,
  describeCreate: ({ azs, natInstanceType }) =>
    `${azs.length} NAT instances (${natInstanceType ?? DEFAULT_NAT_INSTANCE_TYPE}, Amazon Linux 2023), one in the public subnet of each AZ (${azs.join(', ')}): each an Auto Scaling group of one behind a fixed network interface with an Elastic IP`,
  routeTo: "the NAT instance's network interface in the same AZ",
  costLines: ({ azs }, prices) => natInstanceLines(azs, prices),
  // Their fixed ENIs are the live NATs: `count` instances, no per-GB charge.
  runningCost: ({ count }, prices = PRICES) => estimateOf(natInstanceLines(Math.max(1, count), prices), prices),
  // EC2 t4g specs (up to 5 Gbps burst).
  facts: { resilience: 'an instance per AZ, replaced by its Auto Scaling group in minutes', bandwidth: 't4g.nano: up to 5 Gbps burst, far less sustained', choose: 'dev/test with little traffic, lowest fixed cost' },
};
