import { estimateMonthlyCost, formatCostTable, HOURS_PER_MONTH, PRICES } from '../../cli/cost';

describe('monthly cost estimate', () => {
  it('prices two NAT gateways, their Elastic IPs and 100 GB a month at the us-east-1 list prices', () => {
    // GIVEN the default network (a NAT per AZ, 2 AZs) and 100 GB a month through it
    const estimate = estimateMonthlyCost({ natGateways: 2, gbPerMonth: 100 });
    // THEN each line is quantity × price, 730 hours a month
    expect(HOURS_PER_MONTH).toBe(730);
    expect(estimate.lines.map((line) => [line.item, line.monthlyUsd])).toEqual([
      ['NAT gateway hours', 65.7], // 2 × 730 × 0.045
      ['NAT data processing', 4.5], // 100 × 0.045
      ['Public IPv4 (Elastic IPs)', 7.3], // 2 × 730 × 0.005
    ]);
    expect(estimate.totalUsd).toBe(77.5);
    // AND the table says which prices, from when and where
    expect(estimate.prices).toMatchObject({ region: 'us-east-1', asOf: expect.stringMatching(/^20\d\d-\d\d$/) });
    const table = formatCostTable(estimate).join('\n');
    expect(table).toContain('$77.50');
    expect(table).toContain('us-east-1 list prices as of');
  });

  it('costs nothing when nothing is created and nothing flows, and a single NAT halves the hours', () => {
    expect(estimateMonthlyCost({ natGateways: 0, gbPerMonth: 0 }).totalUsd).toBe(0);
    const single = estimateMonthlyCost({ natGateways: 1, gbPerMonth: 0 });
    expect(single.totalUsd).toBeCloseTo(HOURS_PER_MONTH * (PRICES.natGatewayHour + PRICES.publicIpv4Hour), 2);
  });
});
