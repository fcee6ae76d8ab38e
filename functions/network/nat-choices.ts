import type { NatGatewayMode } from '../shared/types';
import type { NatMode } from './nat-mode';
import { NAT_MODES } from './nat-modes';

/**
 * The modes a refusal offers instead, in the words it quotes them with (`"per-az", "single" or "instance"`),
 * taken from the modes themselves so that a new mode is offered where it fits without editing the refusal.
 */
export function modesThat(fits: (mode: NatMode) => boolean): string {
  const names = (Object.keys(NAT_MODES) as NatGatewayMode[]).filter((name) => fits(NAT_MODES[name])).map((name) => `"${name}"`);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** It leaves from Elastic IPs of the account (the user's, kept, or allocated): not a regional NAT gateway, whose addresses AWS manages. */
export const leavesFromOwnAddresses = (mode: NatMode): boolean => mode.availability === 'zonal';
