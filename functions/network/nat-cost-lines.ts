import { estimateMonthlyCost, HOURS_PER_MONTH, PRICES, type CostEstimate, type CostLine, type PriceTable } from '../shared/cost';

/** The pieces the modes price themselves with (mode-cost.ts says what is priced and from which pages). */
export const cents = (amount: number): number => Math.round(amount * 100) / 100;

function hoursLine(item: string, count: number, rate: number): CostLine {
  return { item, quantity: `${count} × ${HOURS_PER_MONTH} h × $${rate}`, monthlyUsd: cents(count * HOURS_PER_MONTH * rate) };
}

/** A NAT instance's root volume as ensure-nat-instance.ts launches it (gp3). */
const INSTANCE_ROOT_GB = 8;

/** The lines of `count` NAT instances (t4g.nano priced), with their root volumes and public IPv4 addresses; no per-GB charge. */
export function natInstanceLines(count: number, prices: PriceTable): CostLine[] {
  return [
    hoursLine('NAT instance hours (t4g.nano)', count, prices.natInstanceHour),
    { item: 'Root volumes (gp3)', quantity: `${count} × ${INSTANCE_ROOT_GB} GB × $${prices.ebsGp3GbMonth}`, monthlyUsd: cents(count * INSTANCE_ROOT_GB * prices.ebsGp3GbMonth) },
    hoursLine('Public IPv4 addresses', count, prices.publicIpv4Hour),
  ];
}

/** An estimate of these lines: their total, the prices and what is left out. */
export function estimateOf(lines: CostLine[], prices: PriceTable = PRICES): CostEstimate {
  return {
    lines,
    totalUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
    prices,
    notes: [`${prices.region} list prices as of ${prices.asOf}; sources: ${prices.sources.join('; ')}.`, 'Not included: data transfer out to the internet (the same in every mode).'],
  };
}

/** `count` zonal NAT gateways with an Elastic IP each, and the data they process (functions/shared/cost.ts). */
export function zonalGatewaysCost(count: number, gbPerMonth: number, prices: PriceTable = PRICES): CostEstimate {
  return estimateMonthlyCost({ natGateways: count, gbPerMonth }, prices);
}

/** The lines of `count` NAT gateway(s) and the data they process; `regional`: billed per AZ, AWS-managed addresses. */
export function natGatewayLines(count: number, gbPerMonth: number, prices: PriceTable, regional = false): CostLine[] {
  return [
    hoursLine(regional ? 'Regional NAT gateway hours (per AZ)' : 'NAT gateway hours', count, prices.natGatewayHour),
    { item: 'NAT data processing', quantity: `${gbPerMonth} GB × $${prices.natGatewayPerGb}`, monthlyUsd: cents(gbPerMonth * prices.natGatewayPerGb) },
    hoursLine(regional ? 'Public IPv4 (AWS-managed, per AZ)' : 'Public IPv4 (Elastic IPs)', count, prices.publicIpv4Hour),
  ];
}
