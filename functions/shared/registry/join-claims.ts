import { QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../errors';
import { fromItem, toItem } from './attributes';
import type { LockRecord } from './records';
import { epochSeconds, functionLockKey, joinClaimKey, JOIN_SORT_PREFIX, LEASE_ATTRIBUTE, LOCK_OWNER_ATTRIBUTE, networkLockKey, networkRecordKey, type Registry } from './table';

/**
 * Shared claims (docs/joins.md): a join of a `ready` network holds its function's lock and one claim item
 * `network#<name>` / `join#<functionArn>` instead of the network's exclusive lock, so joins run side by side.
 * Both sides are conditional: a claim is written only in a transaction that checks the exclusive lock is free
 * and the record is the `ready` one the join read; an exclusive holder writes its lock first and then reads
 * the claims (liveJoins) with a strongly consistent Query, and gives the lock back while one is live. DynamoDB
 * serialises a transaction against any write to an item it checks
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-isolation),
 * so of a claim and an exclusive lock racing, at least one sees the other.
 */
interface ClaimRequest {
  readonly network: string;
  readonly functionArn: string;
  /** The execution ARN joining. */
  readonly owner: string;
  readonly leaseSeconds: number;
  /** The record's `updatedAt` as the join read it: a record changed since (repair, mode change) fails the claim. */
  readonly seenUpdatedAt: string;
  readonly now?: number;
}

type ClaimOutcome = { readonly claimed: true; readonly leaseExpiresAt: number } | { readonly claimed: false };

const FREE_EXPIRED_OR_OURS = 'attribute_not_exists(#pk) OR #owner = :owner OR #lease < :now';

export async function claimJoin(registry: Registry, request: ClaimRequest): Promise<ClaimOutcome> {
  const now = request.now ?? epochSeconds();
  const leaseExpiresAt = now + request.leaseSeconds;
  const lockNames = { '#pk': 'pk', '#owner': LOCK_OWNER_ATTRIBUTE, '#lease': LEASE_ATTRIBUTE };
  const lockValues = toItem({ ':owner': request.owner, ':now': now });
  const put = (item: Record<string, unknown>) => ({
    Put: { TableName: registry.tableName, Item: toItem(item), ConditionExpression: FREE_EXPIRED_OR_OURS, ExpressionAttributeNames: lockNames, ExpressionAttributeValues: lockValues },
  });
  const lease = { [LOCK_OWNER_ATTRIBUTE]: request.owner, [LEASE_ATTRIBUTE]: leaseExpiresAt };
  try {
    await registry.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: registry.tableName,
              Key: toItem(networkLockKey(request.network)),
              ConditionExpression: FREE_EXPIRED_OR_OURS,
              ExpressionAttributeNames: lockNames,
              ExpressionAttributeValues: lockValues,
            },
          },
          {
            ConditionCheck: {
              TableName: registry.tableName,
              Key: toItem(networkRecordKey(request.network)),
              ConditionExpression: '#state = :ready AND #updatedAt = :seen',
              ExpressionAttributeNames: { '#state': 'state', '#updatedAt': 'updatedAt' },
              ExpressionAttributeValues: toItem({ ':ready': 'ready', ':seen': request.seenUpdatedAt }),
            },
          },
          put({ ...functionLockKey(request.functionArn), lock: 'function', subject: request.functionArn, ...lease }),
          put({ ...joinClaimKey(request.network, request.functionArn), lock: 'join', subject: request.functionArn, network: request.network, ...lease }),
        ],
      }),
    );
    return { claimed: true, leaseExpiresAt };
  } catch (error) {
    if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
    return { claimed: false };
  }
}

/** The claims of other executions on a network whose lease still runs: one strongly consistent Query. */
export async function liveJoins(registry: Registry, network: string, except: string, now = epochSeconds()): Promise<LockRecord[]> {
  const page = await registry.dynamodb.send(
    new QueryCommand({
      TableName: registry.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :join)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: toItem({ ':pk': networkRecordKey(network).pk, ':join': JOIN_SORT_PREFIX }),
      ConsistentRead: true,
    }),
  );
  // A few items per join in flight: far below one page (1 MB). A truncated page would only under-report, so say so.
  if (page.LastEvaluatedKey) throw new Error(`more joins of network "${network}" in flight than one Query page holds`);
  return (page.Items ?? [])
    .map((item) => fromItem(item) as unknown as LockRecord)
    .filter((claim) => claim.lockOwner !== except && claim.leaseExpiresAt >= now)
    .sort((a, b) => a.subject.localeCompare(b.subject));
}
