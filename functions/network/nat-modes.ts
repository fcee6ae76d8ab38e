import type { NatGatewayMode } from '../shared/types';
import type { NatMode } from './nat-mode';
import { instance } from './nat-mode-instance';
import { perAz } from './nat-mode-per-az';
import { regional } from './nat-mode-regional';
import { single } from './nat-mode-single';

/**
 * The NAT modes, one line each, keyed by the request schema's `natGateways` value (in the order `plan` and the
 * README list them). The parts that call AWS are registered per task in nat-ensurers.ts, nat-readiness.ts and
 * nat-lost-parts.ts; test/network/nat-modes.test.ts checks every enum value has all of them.
 */
export const NAT_MODES: Readonly<Record<NatGatewayMode, NatMode>> = {
  'per-az': perAz,
  single,
  regional,
  instance,
};

/** The mode of a request or a record (an old record without one ran per-az, the schema's default). */
export function natModeOf(name: NatGatewayMode | undefined): NatMode {
  return NAT_MODES[name ?? 'per-az'];
}
