import type { NatMode } from './nat-mode';
import { natGatewayLines, zonalGatewaysCost } from './nat-cost-lines';
import { natInEveryAz } from './nat-zonal-audit';

/** natGateways "per-az": a zonal NAT gateway with an Elastic IP in the public subnet of each AZ (ensure-zonal-nat-gateway.ts). */
export const natMode: NatMode = {
  name: 'per-az',
  target: 'nat-gateway',
  noun: 'NAT gateway',
  placements: (publicPlacements) => [...publicPlacements],
  availability: 'zonal',
  servesAllAzs: false,
  needsPublicSubnets: true,
  natCount: (azCount) => azCount,
  elasticIps: (azCount) => azCount,
  elasticIpsWhy: (azCount) => `one per NAT gateway, ${azCount} AZ(s)`,
  natGatewaysToCreate: (azs, reused) => azs.filter((az) => !reused.inAz(az)),
  launchesInstances: false,
  auditNats: natInEveryAz,
  describeCreate: ({ azs }) => `${azs.length} NAT gateways, each with an Elastic IP, one in the public subnet of each AZ (${azs.join(', ')})`,
  routeTo: 'the NAT gateway of the same AZ',
  costLines: ({ azs, gbPerMonth }, prices) => natGatewayLines(azs, gbPerMonth, prices),
  runningCost: ({ count, gbPerMonth }, prices) => zonalGatewaysCost(count, gbPerMonth, prices),
  // https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html (5 Gbps scaling to 100 Gbps)
  facts: { resilience: 'an AZ outage stops only that AZ', bandwidth: '5 Gbps scaling to 100 Gbps per AZ', choose: 'production, steady traffic in every AZ' },
};
