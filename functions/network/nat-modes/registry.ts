import type { NatGatewayMode } from '../../shared/types';
import type { NatMode } from './nat-mode';
import { instance } from './instance';
import { perAz } from './per-az';
import { regional } from './regional';
import { single } from './single';

/**
 * The NAT modes, one line each, keyed by the request schema's `natGateways` value (in the order `plan` and the
 * README list them). The parts that call AWS are registered per task in ensurers.ts, readiness.ts and
 * lost-parts.ts; test/network/nat-modes.test.ts checks every enum value has all of them.
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
