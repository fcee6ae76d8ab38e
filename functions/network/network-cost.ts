import { estimateMonthlyCost, type CostEstimate } from '../shared/cost';
import type { NatGatewayMode } from '../shared/types';
import { natModeOf } from './nat-modes';

/**
 * What a network's NATs cost a month (their hours, public IPv4 addresses and, when given, the data they
 * process), as its mode prices `count` live NATs (`runningCost` of the mode's module): a zonal NAT gateway with
 * its Elastic IP each; a regional one billed for each AZ it serves; NAT instances as instances.
 * `networks` prices what a network runs, `plan --release` what a teardown would delete.
 */
export function natGatewaysMonthlyCost(mode: NatGatewayMode | undefined, natGateways: number, azCount: number, gbPerMonth = 0): CostEstimate {
  if (natGateways === 0) return estimateMonthlyCost({ natGateways: 0, gbPerMonth: 0 });
  return natModeOf(mode).runningCost({ count: natGateways, azCount, gbPerMonth });
}
