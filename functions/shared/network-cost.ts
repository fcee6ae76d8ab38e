import { estimateMonthlyCost, type CostEstimate } from './cost';
import { estimateModeCost } from './mode-cost';
import type { NatGatewayMode } from './types';

/**
 * What a network's NAT gateways cost a month (their hours, public IPv4 addresses and, when given, the data they
 * process): a zonal NAT gateway with its Elastic IP each; a regional one billed for each AZ it serves
 * (mode-cost.ts). `networks` prices what a network runs, `plan --release` what a teardown would delete.
 */
export function natGatewaysMonthlyCost(mode: NatGatewayMode | undefined, natGateways: number, azCount: number, gbPerMonth = 0): CostEstimate {
  if (mode === 'regional' && natGateways > 0) return estimateModeCost('regional', { azCount, gbPerMonth });
  // NAT instances (their fixed ENIs are the live NATs) are priced as instances.
  if (mode === 'instance' && natGateways > 0) return estimateModeCost('instance', { azCount: natGateways, gbPerMonth });
  return estimateMonthlyCost({ natGateways, gbPerMonth: natGateways > 0 ? gbPerMonth : 0 });
}
