import type { NatPlan } from './types';
import type { AuditNatContext } from './nat-mode';

/** A NAT of its own for every AZ that needs one (per-az, instance): found or new in its public subnet, else another AZ's. */
export function natInEveryAz(needsNat: readonly string[], vpc: AuditNatContext): Array<readonly [string, NatPlan]> {
  return needsNat.map((az) => [az, vpc.newNatIn(az) ?? { placement: 'other-az' }] as const);
}
