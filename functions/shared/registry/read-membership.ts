import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem } from './attributes';
import type { MembershipRecord } from './records';
import { memberKey, membershipKey, type ItemKey, type Registry } from './table';

async function getItem<T>(registry: Registry, key: ItemKey): Promise<T | undefined> {
  const found = await registry.dynamodb.send(new GetItemCommand({ TableName: registry.tableName, Key: toItem(key), ConsistentRead: true }));
  return found.Item ? (fromItem(found.Item) as unknown as T) : undefined;
}

/** The membership of a function, if it is a member of a network: its pointer, then the member item. Read-only. */
export async function readMembership(registry: Registry, functionArn: string): Promise<MembershipRecord | undefined> {
  const pointer = await getItem<{ network: string }>(registry, membershipKey(functionArn));
  return pointer ? getItem<MembershipRecord>(registry, memberKey(pointer.network, functionArn)) : undefined;
}
