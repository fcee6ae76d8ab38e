/**
 * AWS list prices the cost figures use: us-east-1 (N. Virginia), on-demand, without free tiers, as published on
 * the pricing pages below when this file was written (2026-11). The benchmark does not fetch them: check the
 * pages before quoting a cost for another region or date.
 */
export const PRICING = {
  region: 'us-east-1',
  asOf: '2026-11 (list prices; not fetched by the benchmark)',
  /** Standard workflows: $0.025 per 1,000 state transitions. https://aws.amazon.com/step-functions/pricing/ */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** https://aws.amazon.com/lambda/pricing/ (first pricing tier). */
  lambdaPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  lambdaPerRequest: 0.2 / 1_000_000,
  /** Context, not part of a provision's cost: a NAT gateway bills by the hour. https://aws.amazon.com/vpc/pricing/ */
  natGatewayPerHour: 0.045,
} as const;

/** Lambda bills duration rounded up to the next millisecond. */
export function gbSeconds(durationsMs: readonly number[], memoryMb: number): number {
  return durationsMs.reduce((total, duration) => total + Math.ceil(duration), 0) / 1000 * (memoryMb / 1024);
}

export function lambdaCost(durationsMs: readonly number[], memoryMb: number, architecture: 'arm64' | 'x86_64'): number {
  return gbSeconds(durationsMs, memoryMb) * PRICING.lambdaPerGbSecond[architecture] + durationsMs.length * PRICING.lambdaPerRequest;
}
