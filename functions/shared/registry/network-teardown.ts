import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { writtenIfConditionHolds } from './conditional-write';
import { toItem } from './attributes';
import { networkRecordKey, type Registry } from './table';

/**
 * Marks a network `deleting` (teardown has begun: the inventory shows it, and a provision that takes the lock
 * after a failed teardown finds the state). Only a network that has a record; returns whether it did.
 */
export async function markNetworkDeleting(registry: Registry, network: string, owner: string, now = new Date()): Promise<boolean> {
  return writtenIfConditionHolds(() =>
    registry.dynamodb.send(
      new UpdateItemCommand({
        TableName: registry.tableName,
        Key: toItem(networkRecordKey(network)),
        UpdateExpression: 'SET #state = :deleting, #updatedAt = :now, #execution = :owner',
        ConditionExpression: 'attribute_exists(#state)',
        ExpressionAttributeNames: { '#state': 'state', '#updatedAt': 'updatedAt', '#execution': 'execution' },
        ExpressionAttributeValues: toItem({ ':deleting': 'deleting', ':now': now.toISOString(), ':owner': owner }),
      }),
    ),
  );
}

/** Forgets a network once everything of its ledger is gone; only while it is `deleting` (never a rebuilt one). */
export async function deleteNetworkRecord(registry: Registry, network: string): Promise<boolean> {
  return writtenIfConditionHolds(() =>
    registry.dynamodb.send(
      new DeleteItemCommand({
        TableName: registry.tableName,
        Key: toItem(networkRecordKey(network)),
        ConditionExpression: '#state = :deleting',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: toItem({ ':deleting': 'deleting' }),
      }),
    ),
  );
}
