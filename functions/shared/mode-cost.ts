import { HOURS_PER_MONTH, PRICES, type CostEstimate, type CostLine, type PriceTable } from './cost';
import type { NatGatewayMode } from './types';

/**
 * What each way of giving private subnets egress costs a month for the same network (its AZs, its traffic), with
 * what it buys: `plan` prints them side by side, `networks` prices a network's own mode, and the README's table
 * of modes is generated from here (test/cli/mode-cost.test.ts keeps it in step).
 *   - per-az: a zonal NAT gateway and its Elastic IP in each AZ.
 *   - single: one zonal NAT gateway; the other AZs' traffic crosses AZs (billed both ways).
 *   - regional: one regional NAT gateway, billed like a zonal one for each AZ it is active in, with one
 *     AWS-managed public IPv4 address per AZ (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html;
 *     the per-AZ hour is our reading of https://aws.amazon.com/vpc/pricing/: check it there), traffic kept in its AZ.
 *   - instance: a NAT instance (t4g.nano, 8 GB gp3 root volume, its Elastic IP) per AZ, as natGateways "instance"
 *     provisions it (functions/network/ensure-nat-instance.ts); no per-GB charge.
 * Data transfer out to the internet is billed the same in every mode and left out.
 */
export type EgressMode = NatGatewayMode;
export const EGRESS_MODES: readonly EgressMode[] = ['per-az', 'single', 'regional', 'instance'];

export interface ModeCostInput {
  readonly azCount: number;
  readonly gbPerMonth: number;
}

export interface ModeFacts {
  /** What an AZ failure does to egress. */
  readonly resilience: string;
  /** Throughput the mode can carry (AWS's published figures). */
  readonly bandwidth: string;
  /** When to choose it. */
  readonly choose: string;
}

/** https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html (5 Gbps scaling to 100 Gbps); EC2 t4g specs (up to 5 Gbps burst). */
export const MODE_FACTS: Record<EgressMode, ModeFacts> = {
  'per-az': { resilience: 'an AZ outage stops only that AZ', bandwidth: '5 Gbps scaling to 100 Gbps per AZ', choose: 'production, steady traffic in every AZ' },
  single: { resilience: "the NAT gateway's AZ down: no egress in any AZ", bandwidth: '5 Gbps scaling to 100 Gbps in all', choose: 'dev/test, light traffic, when one AZ may take all down' },
  regional: { resilience: 'AWS spreads it over the AZs with subnets', bandwidth: '5 Gbps scaling to 100 Gbps per AZ', choose: 'production without public subnets; AZs added later need nothing' },
  instance: { resilience: 'an instance per AZ, replaced by its Auto Scaling group in minutes', bandwidth: 't4g.nano: up to 5 Gbps burst, far less sustained', choose: 'dev/test with little traffic, lowest fixed cost' },
};

const cents = (amount: number): number => Math.round(amount * 100) / 100;
const INSTANCE_ROOT_GB = 8;

export function estimateModeCost(mode: EgressMode, input: ModeCostInput, prices: PriceTable = PRICES): CostEstimate {
  const azs = Math.max(1, input.azCount);
  const gb = input.gbPerMonth;
  const hoursLine = (item: string, count: number, rate: number): CostLine => ({ item, quantity: `${count} × ${HOURS_PER_MONTH} h × $${rate}`, monthlyUsd: cents(count * HOURS_PER_MONTH * rate) });
  const lines: CostLine[] = [];
  if (mode === 'instance') {
    lines.push(hoursLine('NAT instance hours (t4g.nano)', azs, prices.natInstanceHour));
    lines.push({ item: 'Root volumes (gp3)', quantity: `${azs} × ${INSTANCE_ROOT_GB} GB × $${prices.ebsGp3GbMonth}`, monthlyUsd: cents(azs * INSTANCE_ROOT_GB * prices.ebsGp3GbMonth) });
    lines.push(hoursLine('Public IPv4 addresses', azs, prices.publicIpv4Hour));
  } else {
    const gateways = mode === 'single' ? 1 : azs;
    lines.push(hoursLine(mode === 'regional' ? 'Regional NAT gateway hours (per AZ)' : 'NAT gateway hours', gateways, prices.natGatewayHour));
    lines.push({ item: 'NAT data processing', quantity: `${gb} GB × $${prices.natGatewayPerGb}`, monthlyUsd: cents(gb * prices.natGatewayPerGb) });
    lines.push(hoursLine(mode === 'regional' ? 'Public IPv4 (AWS-managed, per AZ)' : 'Public IPv4 (Elastic IPs)', gateways, prices.publicIpv4Hour));
    if (mode === 'single' && azs > 1) {
      const crossing = (gb * (azs - 1)) / azs;
      lines.push({ item: 'Cross-AZ data to the NAT', quantity: `${cents(crossing)} GB × $${prices.crossAzPerGb}`, monthlyUsd: cents(crossing * prices.crossAzPerGb) });
    }
  }
  return {
    lines,
    totalUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
    prices,
    notes: [`${prices.region} list prices as of ${prices.asOf}; sources: ${prices.sources.join('; ')}.`, 'Not included: data transfer out to the internet (the same in every mode).'],
  };
}

export interface ModeComparison extends ModeFacts {
  readonly mode: EgressMode;
  readonly monthlyUsd: number;
}

/** Every mode for the same network, cheapest first is the reader's job: listed in EGRESS_MODES order. */
export function compareModes(input: ModeCostInput, prices: PriceTable = PRICES): ModeComparison[] {
  return EGRESS_MODES.map((mode) => ({ mode, monthlyUsd: estimateModeCost(mode, input, prices).totalUsd, ...MODE_FACTS[mode] }));
}
