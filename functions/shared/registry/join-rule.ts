import type { NormalizedNetwork } from '../types';
import type { NetworkRecord } from './records';

/**
 * A join is a provision onto a `ready` network whose recorded settings are the ones requested: it changes the
 * function, not the network, so it needs no exclusive lock (docs/joins.md). Anything else builds, repairs or
 * changes the network and takes the exclusive lock. Pure: AcquireNetworkLock and ValidateRequest's no-op check
 * (functions/validate/already-member.ts) both decide with it, and neither reaches the other's registry writes.
 */
export function isJoinOf(record: NetworkRecord | undefined, network: Pick<NormalizedNetwork, 'mode' | 'azs' | 'natGateways'> & { readonly vpcId?: string }): record is NetworkRecord {
  if (record?.state !== 'ready') return false;
  const sameAzs = record.azs.length === network.azs.length && network.azs.every((az) => record.azs.includes(az));
  return record.mode === network.mode && record.natGatewayMode === network.natGateways && sameAzs && (network.vpcId === undefined || network.vpcId === record.vpcId);
}
