import { PRICES, type CostEstimate, type PriceTable } from '../shared/cost';
import type { NatGatewayMode } from '../shared/types';
import type { ModeFacts } from './nat-mode';
import { estimateOf } from './nat-cost-lines';
import { NAT_MODES } from './nat-modes';

/**
 * What each way of giving private subnets egress costs a month for the same network (its AZs, its traffic), with
 * what it buys: `plan` prints them side by side, `networks` prices a network's own mode, and the README's table
 * of modes is generated from here (test/cli/mode-cost.test.ts keeps it in step). Each mode prices itself
 * (`costLines` of nat-mode-per-az.ts, nat-mode-single.ts, nat-mode-regional.ts, nat-mode-instance.ts):
 *   - per-az: a zonal NAT gateway and its Elastic IP in each AZ.
 *   - single: one zonal NAT gateway; the other AZs' traffic crosses AZs (billed both ways).
 *   - regional: one regional NAT gateway, billed like a zonal one for each AZ it is active in, with one
 *     AWS-managed public IPv4 address per AZ (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html;
 *     the per-AZ hour is our reading of https://aws.amazon.com/vpc/pricing/: check it there), traffic kept in its AZ.
 *   - instance: a NAT instance (t4g.nano, 8 GB gp3 root volume, its Elastic IP) per AZ, as natGateways "instance"
 *     provisions it (ensure-nat-instance.ts); no per-GB charge.
 * Data transfer out to the internet is billed the same in every mode and left out.
 */
type EgressMode = NatGatewayMode;
/** In the registry's order (per-az, single, regional, instance). */
export const EGRESS_MODES: readonly EgressMode[] = Object.values(NAT_MODES).map((mode) => mode.name);

interface ModeCostInput {
  readonly azCount: number;
  readonly gbPerMonth: number;
}


const MODE_FACTS = Object.fromEntries(EGRESS_MODES.map((mode) => [mode, NAT_MODES[mode].facts])) as Record<EgressMode, ModeFacts>;

export function estimateModeCost(mode: EgressMode, input: ModeCostInput, prices: PriceTable = PRICES): CostEstimate {
  return estimateOf(NAT_MODES[mode].costLines({ azs: Math.max(1, input.azCount), gbPerMonth: input.gbPerMonth }, prices), prices);
}

export interface ModeComparison extends ModeFacts {
  readonly mode: EgressMode;
  readonly monthlyUsd: number;
}

/** Every mode for the same network, cheapest first is the reader's job: listed in EGRESS_MODES order. */
export function compareModes(input: ModeCostInput, prices: PriceTable = PRICES): ModeComparison[] {
  return EGRESS_MODES.map((mode) => ({ mode, monthlyUsd: estimateModeCost(mode, input, prices).totalUsd, ...MODE_FACTS[mode] }));
}
