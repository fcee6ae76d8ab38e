import { DeleteItemCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { fromItem, toItem } from './attributes';
import { writtenIfConditionHolds } from './conditional-write';
import { networkRecordOf } from './network-record-compat';
import type { NetworkRecord } from './records';
import { networkRecordKey, type ItemKey, type Registry } from './table';

/**
 * The registry's single-item calls, one home for each. The SDK-call check (test/infra/sdk-calls.ts,
 * SHARED_ACCESS_MODULES) attributes to a task only the calls of the helpers it imports from here, so a task
 * that reads is granted GetItem and nothing this module also holds.
 */

/** One item, strongly consistent (a lock or a record decided on must be the latest), or undefined. */
export async function getItem<T>(registry: Registry, key: ItemKey): Promise<T | undefined> {
  const found = await registry.dynamodb.send(new GetItemCommand({ TableName: registry.tableName, Key: toItem(key), ConsistentRead: true }));
  return found.Item ? (fromItem(found.Item) as unknown as T) : undefined;
}

/** The network record (strongly consistent), or undefined when there is none. */
export async function readNetworkRecord(registry: Registry, network: string): Promise<NetworkRecord | undefined> {
  const item = await getItem<Record<string, unknown>>(registry, networkRecordKey(network));
  return item && networkRecordOf(item);
}

/** A conditional write's expression: the condition and the names and values it and the update use. */
interface Condition {
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/** UpdateItem applied only while the condition holds: whether it was applied. */
export async function updateIfConditionHolds(registry: Registry, key: ItemKey, update: string, condition: Condition): Promise<boolean> {
  return writtenIfConditionHolds(() =>
    registry.dynamodb.send(
      new UpdateItemCommand({
        TableName: registry.tableName,
        Key: toItem(key),
        UpdateExpression: update,
        ConditionExpression: condition.condition,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: toItem(condition.values),
      }),
    ),
  );
}

/** DeleteItem applied only while the condition holds: whether it was applied. */
export async function deleteIfConditionHolds(registry: Registry, key: ItemKey, condition: Condition): Promise<boolean> {
  return writtenIfConditionHolds(() =>
    registry.dynamodb.send(
      new DeleteItemCommand({
        TableName: registry.tableName,
        Key: toItem(key),
        ConditionExpression: condition.condition,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: toItem(condition.values),
      }),
    ),
  );
}
