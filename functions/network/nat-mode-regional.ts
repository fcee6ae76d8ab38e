import { PRICES } from '../shared/cost';
import { REGIONAL_NAT_PLACEMENT } from './types';
import type { NatMode } from './nat-mode';
import { estimateOf, natGatewayLines } from './nat-cost-lines';

/**
 * natGateways "regional": one regional NAT gateway of the VPC, no public subnet, AWS-managed addresses in each
 * AZ with a subnet (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html;
 * ensure-regional-nat-gateway.ts).
 */
export const natMode: NatMode = {
  name: 'regional',
  target: 'nat-gateway',
  noun: 'NAT gateway',
  placements: () => [REGIONAL_NAT_PLACEMENT],
  availability: 'regional',
  servesAllAzs: true,
  needsPublicSubnets: false,
  natCount: () => 1,
  // AWS manages a regional NAT gateway's addresses: lambda-egress allocates none.
  elasticIps: () => 0,
  elasticIpsWhy: () => 'none: AWS manages the regional NAT gateway\'s addresses',
  // A regional NAT gateway is in no AZ: the NAT-gateways-per-AZ quota does not count it.
  natGatewaysToCreate: () => [],
  launchesInstances: false,
  auditNats: (needsNat) => needsNat.map((az) => [az, { placement: 'regional' }] as const),
  describeCreate: () => '1 regional NAT gateway of the VPC (AWS-managed addresses in each AZ, no public subnet), shared by every AZ',
  routeTo: 'the NAT gateway',
  costLines: ({ azs, gbPerMonth }, prices) => natGatewayLines(azs, gbPerMonth, prices, true),
  // Billed for each AZ it is active in (mode-cost.ts): in plan, networks and the modes table alike.
  runningCost: ({ azCount, gbPerMonth }, prices = PRICES) => estimateOf(natGatewayLines(Math.max(1, azCount), gbPerMonth, prices, true), prices),
  facts: { resilience: 'AWS spreads it over the AZs with subnets', bandwidth: '5 Gbps scaling to 100 Gbps per AZ', choose: 'production without public subnets; AZs added later need nothing' },
};
