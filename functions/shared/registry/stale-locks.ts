import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem } from './attributes';
import { markNetworkFailed, releaseLocks } from './lock-release';
import { isJoinClaim, isLock, LOCK_OWNER_ATTRIBUTE, LOCKS_BY_OWNER_INDEX, networkNameOf, type ItemKey, type Registry } from './table';

interface OwnerRelease {
  /** The locks released (their keys). */
  readonly released: ItemKey[];
  /** Networks the execution left `building`, now `failed`. */
  readonly networksFailed: string[];
}

/** The keys of every lock and join claim an execution holds: one Query of the sparse owner index (keys only). */
async function locksOwnedBy(registry: Registry, owner: string): Promise<ItemKey[]> {
  const keys: ItemKey[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await registry.dynamodb.send(
      new QueryCommand({
        TableName: registry.tableName,
        IndexName: LOCKS_BY_OWNER_INDEX,
        KeyConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': LOCK_OWNER_ATTRIBUTE },
        ExpressionAttributeValues: toItem({ ':owner': owner }),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk, sk } = fromItem(item) as { pk: string; sk: string };
      if (isLock({ pk, sk }) || isJoinClaim({ pk, sk })) keys.push({ pk, sk });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

/**
 * Frees whatever an execution that ended without unlocking (aborted, timed out, failed outside its Catch)
 * still holds, and marks the networks it was building as failed. Each delete is conditional on the owner, so
 * a lock taken over by another execution in the meantime stays theirs.
 */
export async function releaseLocksOwnedBy(registry: Registry, owner: string): Promise<OwnerRelease> {
  const released = await releaseLocks(registry, owner, await locksOwnedBy(registry, owner));
  const networksFailed: string[] = [];
  for (const key of released.filter(isLock)) {
    const network = networkNameOf(key);
    if (network !== undefined && (await markNetworkFailed(registry, network, owner))) networksFailed.push(network);
  }
  return { released, networksFailed };
}
