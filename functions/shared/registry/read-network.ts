import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem } from './attributes';
import type { LockRecord, MembershipRecord, NetworkRecord } from './records';
import type { RegisteredNetwork } from './read';
import { isLock, isMember, isNetworkRecord, networkRecordKey, type Registry } from './table';

/** One network, its members and its lock: one strongly consistent Query of its partition. */
export async function readNetwork(registry: Registry, name: string): Promise<RegisteredNetwork> {
  const result: { record?: NetworkRecord; members: MembershipRecord[]; lock?: LockRecord } = { members: [] };
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await registry.dynamodb.send(
      new QueryCommand({
        TableName: registry.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: toItem({ ':pk': networkRecordKey(name).pk }),
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const raw of page.Items ?? []) {
      const { pk, sk, ...item } = fromItem(raw) as { pk: string; sk: string } & Record<string, unknown>;
      if (isNetworkRecord({ pk, sk })) result.record = item as unknown as NetworkRecord;
      else if (isMember({ pk, sk })) result.members.push(item as unknown as MembershipRecord);
      else if (isLock({ pk, sk })) result.lock = item as unknown as LockRecord;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { name, ...result };
}
