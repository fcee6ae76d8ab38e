import type { NetworkRecord } from './records';

/**
 * A network record as its item is stored. Items written before issue 24 name the NAT targets of the private
 * routes `natGatewayIds` (a NAT instance's eni- included); they read as `natTargetIds`, and the next
 * RecordMembership rewrites the item under the new name. An item with neither (a record AcquireNetworkLock
 * started, before any NAT) has none.
 */
export function networkRecordOf(item: Readonly<Record<string, unknown>>): NetworkRecord {
  const { natGatewayIds, natTargetIds, ...rest } = item;
  const ids = Array.isArray(natTargetIds) ? natTargetIds : Array.isArray(natGatewayIds) ? natGatewayIds : [];
  return { ...rest, natTargetIds: ids } as unknown as NetworkRecord;
}
