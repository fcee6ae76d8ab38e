import type { ProvisionRequestInput } from '../functions/shared/types';

/** The network every benchmark provisions: create mode, 2 AZs, a NAT gateway per AZ, as the issue asks. */
export const BENCH_NETWORK = 'bench';
export const BENCH_AZ_COUNT = 2;

export function createModeRequest(functionName: string, options: { readonly ipv6?: boolean; readonly network?: string } = {}): ProvisionRequestInput {
  return {
    functionName,
    network: { name: options.network ?? BENCH_NETWORK, azCount: BENCH_AZ_COUNT, natGateways: 'per-az', ipv6: options.ipv6 ?? false },
  };
}
