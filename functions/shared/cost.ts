/**
 * What an egress network costs a month. Prices are public list prices, copied by hand with their date and
 * region: check https://aws.amazon.com/vpc/pricing/ before relying on them.
 */
export interface PriceTable {
  readonly region: string;
  /** When these prices were read from the price pages. */
  readonly asOf: string;
  readonly currency: 'USD';
  /** NAT gateway, per hour it exists (whether it carries traffic or not). */
  readonly natGatewayHour: number;
  /** NAT gateway, per GB it processes (either direction). */
  readonly natGatewayPerGb: number;
  /** A public IPv4 address (each NAT gateway's Elastic IP), per hour, since 1 February 2024. */
  readonly publicIpv4Hour: number;
  /** Data between two AZs of a region, per GB crossing ($0.01 out of one AZ plus $0.01 into the other). */
  readonly crossAzPerGb: number;
  /** A t4g.nano On-Demand instance (Linux), per hour: the default NAT instance. */
  readonly natInstanceHour: number;
  /** gp3 storage per GB-month: a NAT instance's root volume. */
  readonly ebsGp3GbMonth: number;
  /** Where each price was read. */
  readonly sources: readonly string[];
}

export const PRICES: PriceTable = {
  region: 'us-east-1',
  asOf: '2024-06',
  currency: 'USD',
  natGatewayHour: 0.045,
  natGatewayPerGb: 0.045,
  publicIpv4Hour: 0.005,
  crossAzPerGb: 0.02,
  natInstanceHour: 0.0042,
  ebsGp3GbMonth: 0.08,
  sources: [
    'https://aws.amazon.com/vpc/pricing/ (NAT gateway hour and GB processed; public IPv4 address hour)',
    'https://aws.amazon.com/ec2/pricing/on-demand/ (t4g.nano hour; data transfer within the region across AZs, $0.01/GB each way)',
    'https://aws.amazon.com/ebs/pricing/ (gp3 GB-month)',
  ],
};

/** AWS prices a month as 730 hours. */
export const HOURS_PER_MONTH = 730;

/** One public IPv4 address a month (an Elastic IP, idle or not), at list price: 0.005 × 730 = USD 3.65. */
export const MONTHLY_USD_PER_PUBLIC_IPV4 = Math.round(PRICES.publicIpv4Hour * HOURS_PER_MONTH * 100) / 100;

interface CostInput {
  /** NAT gateways the network has (or would get). Each comes with one Elastic IP. */
  readonly natGateways: number;
  /** Data through the NAT gateways a month. */
  readonly gbPerMonth: number;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: string;
  readonly monthlyUsd: number;
}

export interface CostEstimate {
  readonly lines: CostLine[];
  readonly totalUsd: number;
  readonly prices: PriceTable;
  /** What the estimate leaves out, said plainly. */
  readonly notes: string[];
}

const cents = (amount: number): number => Math.round(amount * 100) / 100;

export function estimateMonthlyCost(input: CostInput, prices: PriceTable = PRICES): CostEstimate {
  const hours = input.natGateways * HOURS_PER_MONTH;
  const lines: CostLine[] = [
    { item: 'NAT gateway hours', quantity: `${input.natGateways} × ${HOURS_PER_MONTH} h × $${prices.natGatewayHour}`, monthlyUsd: cents(hours * prices.natGatewayHour) },
    { item: 'NAT data processing', quantity: `${input.gbPerMonth} GB × $${prices.natGatewayPerGb}`, monthlyUsd: cents(input.gbPerMonth * prices.natGatewayPerGb) },
    { item: 'Public IPv4 (Elastic IPs)', quantity: `${input.natGateways} × ${HOURS_PER_MONTH} h × $${prices.publicIpv4Hour}`, monthlyUsd: cents(hours * prices.publicIpv4Hour) },
  ];
  return {
    lines,
    totalUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
    prices,
    notes: [
      `${prices.region} list prices as of ${prices.asOf}; other regions cost more or less.`,
      'Not included: data transfer out to the internet (billed with or without a NAT gateway); VPC, subnets, route tables, internet gateway, egress-only internet gateway and the S3 gateway endpoint are free.',
    ],
  };
}
