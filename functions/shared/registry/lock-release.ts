import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem } from './attributes';
import { writtenIfConditionHolds } from './conditional-write';
import { LOCK_OWNER_ATTRIBUTE, networkRecordKey, type ItemKey, type Registry } from './table';

/**
 * Deletes each lock only while `owner` holds it: a lock that has expired and been taken by another execution
 * is theirs now, and one already gone needs nothing. Returns the keys it released; running it twice releases
 * nothing the second time and fails nothing.
 */
export async function releaseLocks(registry: Registry, owner: string, keys: readonly ItemKey[]): Promise<ItemKey[]> {
  const released: ItemKey[] = [];
  for (const key of keys) {
    const deleted = await writtenIfConditionHolds(() =>
      registry.dynamodb.send(
        new DeleteItemCommand({
          TableName: registry.tableName,
          Key: toItem(key),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': LOCK_OWNER_ATTRIBUTE },
          ExpressionAttributeValues: toItem({ ':owner': owner }),
        }),
      ),
    );
    if (deleted) released.push(key);
  }
  return released;
}

/**
 * A network this execution was building and did not finish becomes `failed` (its ledger says what is there),
 * so the inventory shows it and the next execution builds it again. Any other state is left as it is.
 */
export async function markNetworkFailed(registry: Registry, network: string, owner: string, now = new Date()): Promise<boolean> {
  return writtenIfConditionHolds(() =>
    registry.dynamodb.send(
      new UpdateItemCommand({
        TableName: registry.tableName,
        Key: toItem(networkRecordKey(network)),
        UpdateExpression: 'SET #state = :failed, #updatedAt = :now',
        ConditionExpression: '#state = :building AND #execution = :owner',
        ExpressionAttributeNames: { '#state': 'state', '#execution': 'execution', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: toItem({ ':failed': 'failed', ':building': 'building', ':owner': owner, ':now': now.toISOString() }),
      }),
    ),
  );
}
