import { createHash } from 'node:crypto';
import { PROBE_FUNCTION_PREFIX } from '../shared/tags';

/**
 * One probe function per network (`lambda-egress-probe-<network name>`): every function of a network is
 * attached to the same private subnets and egress security group, so one probe proves the path for all of
 * them, and a reused probe is ready at once. It is created (and ledgered) by the first execution that needs
 * it; later executions update it in place and leave it to its creator's tag.
 */
export function probeFunctionName(networkName: string): string {
  const prefix = `${PROBE_FUNCTION_PREFIX}-`;
  const room = 64 - prefix.length;
  if (/^[A-Za-z0-9_-]+$/.test(networkName) && networkName.length <= room) return prefix + networkName;
  const hash = createHash('sha256').update(networkName).digest('hex').slice(0, 8);
  const cleaned = networkName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, room - hash.length - 1);
  return `${prefix}${cleaned}-${hash}`;
}
