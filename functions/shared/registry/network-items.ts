import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromItem } from './attributes';
import { networkRecordOf } from './network-record-compat';
import type { LockRecord, MembershipRecord, NetworkRecord } from './records';
import { isLock, isMember, isNetworkRecord, networkNameOf } from './table';

/** One network with everything the registry holds under its partition. */
export interface RegisteredNetwork {
  readonly name: string;
  /** Absent when only members or a lock exist (a first build that has not written its record yet). */
  readonly record?: NetworkRecord;
  readonly members: MembershipRecord[];
  readonly lock?: LockRecord;
}

/** Registry items (any order) grouped into networks, by name, each with its record, members and lock. */
export function networksOf(items: ReadonlyArray<Record<string, AttributeValue>>): RegisteredNetwork[] {
  const byName = new Map<string, { record?: NetworkRecord; members: MembershipRecord[]; lock?: LockRecord }>();
  for (const raw of items) {
    const item = fromItem(raw) as { pk: string; sk: string } & Record<string, unknown>;
    const name = networkNameOf(item);
    if (name === undefined) continue;
    const entry = byName.get(name) ?? { members: [] };
    if (isNetworkRecord(item)) entry.record = networkRecordOf(stripKeys(item));
    else if (isMember(item)) entry.members.push(stripKeys(item) as unknown as MembershipRecord);
    else if (isLock(item)) entry.lock = stripKeys(item) as unknown as LockRecord;
    byName.set(name, entry);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entry]) => ({
      name,
      ...(entry.record ? { record: entry.record } : {}),
      members: entry.members.sort((a, b) => a.functionArn.localeCompare(b.functionArn)),
      ...(entry.lock ? { lock: entry.lock } : {}),
    }));
}

function stripKeys(item: { pk: string; sk: string } & Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}
