import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../errors';
import { toItem } from './attributes';
import { getItem, updateIfConditionHolds } from './item-access';
import type { LockKind, LockRecord, NetworkRecord } from './records';
import { epochSeconds, functionLockKey, LEASE_ATTRIBUTE, LOCK_OWNER_ATTRIBUTE, networkLockKey, networkRecordKey, type ItemKey, type Registry } from './table';

interface LockRequest {
  readonly network: string;
  /** Absent for a whole-network operation (teardown): only the network's lock is taken. */
  readonly functionArn?: string;
  /** The execution ARN taking the locks. */
  readonly owner: string;
  readonly leaseSeconds: number;
  /** Epoch seconds; the clock of the caller by default. */
  readonly now?: number;
}

/** A lock another live execution holds. */
export interface HeldLock {
  readonly lock: LockKind;
  readonly subject: string;
  readonly holder: string;
  readonly leaseExpiresAt: number;
}

export type LockAcquisition =
  | { readonly acquired: true; readonly leaseExpiresAt: number }
  /** `held` is empty when the write lost a race and the winner has already let go: try again. */
  | { readonly acquired: false; readonly held: HeldLock[] };

const FREE_EXPIRED_OR_OURS = 'attribute_not_exists(#pk) OR #owner = :owner OR #lease < :now';

/**
 * Takes the network's lock and the function's lock together, or neither: one transaction of two conditional
 * Puts, each allowed when the lock is free, its lease has run out, or this execution holds it already (a
 * retried task renews its own lease). DynamoDB evaluates both conditions and writes both items atomically
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html), so of two executions
 * racing for one lock exactly one wins.
 */
export async function acquireLocks(registry: Registry, request: LockRequest): Promise<LockAcquisition> {
  const now = request.now ?? epochSeconds();
  const leaseExpiresAt = now + request.leaseSeconds;
  const lockItem = (key: ItemKey, lock: LockKind, subject: string) => ({
    Put: {
      TableName: registry.tableName,
      Item: toItem({ ...key, lock, subject, [LOCK_OWNER_ATTRIBUTE]: request.owner, [LEASE_ATTRIBUTE]: leaseExpiresAt }),
      ConditionExpression: FREE_EXPIRED_OR_OURS,
      ExpressionAttributeNames: { '#pk': 'pk', '#owner': LOCK_OWNER_ATTRIBUTE, '#lease': LEASE_ATTRIBUTE },
      ExpressionAttributeValues: toItem({ ':owner': request.owner, ':now': now }),
    },
  });
  try {
    await registry.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          lockItem(networkLockKey(request.network), 'network', request.network),
          ...(request.functionArn ? [lockItem(functionLockKey(request.functionArn), 'function', request.functionArn)] : []),
        ],
      }),
    );
    return { acquired: true, leaseExpiresAt };
  } catch (error) {
    // A failed condition, or a conflict with a concurrent transaction on the same items: either way, held.
    if (awsErrorName(error) !== 'TransactionCanceledException') throw error;
  }
  const held = await Promise.all([
    readLock(registry, networkLockKey(request.network)),
    ...(request.functionArn ? [readLock(registry, functionLockKey(request.functionArn))] : []),
  ]);
  return {
    acquired: false,
    held: held
      .filter((lock): lock is LockRecord => lock !== undefined && lock.lockOwner !== request.owner && lock.leaseExpiresAt >= now)
      .map((lock) => ({ lock: lock.lock, subject: lock.subject, holder: lock.lockOwner, leaseExpiresAt: lock.leaseExpiresAt })),
  };
}

export async function readLock(registry: Registry, key: ItemKey): Promise<LockRecord | undefined> {
  return getItem<LockRecord>(registry, key);
}

/** What a network is meant to be, as the request says: written when its first build starts. */
interface PlannedNetwork {
  readonly name: string;
  readonly mode: NetworkRecord['mode'];
  readonly azs: string[];
  readonly natGatewayMode: NetworkRecord['natGatewayMode'];
  /** Existing mode: the VPC audited and repaired. */
  readonly vpcId?: string;
}

/**
 * Marks a network `building` by this execution when it has no record yet or its last build failed. A network
 * that is `ready` stays `ready` while an execution checks or repairs it; one being deleted is left alone.
 * Returns whether it marked it.
 */
export async function markNetworkBuilding(registry: Registry, network: PlannedNetwork, owner: string, now = new Date()): Promise<boolean> {
  const values: Record<string, unknown> = {
    ':name': network.name,
    ':mode': network.mode,
    ':azs': network.azs,
    ':natGatewayMode': network.natGatewayMode,
    ':building': 'building',
    ':failed': 'failed',
    ':owner': owner,
    ':now': now.toISOString(),
    ':none': [],
  };
  const sets = [
    '#name = :name',
    '#mode = :mode',
    '#azs = :azs',
    '#natGatewayMode = :natGatewayMode',
    '#state = :building',
    '#execution = :owner',
    '#updatedAt = :now',
    '#createdAt = if_not_exists(#createdAt, :now)',
    '#ledger = if_not_exists(#ledger, :none)',
    '#privateSubnetIds = if_not_exists(#privateSubnetIds, :none)',
  ];
  if (network.vpcId) {
    sets.push('#vpcId = :vpcId');
    values[':vpcId'] = network.vpcId;
  }
  const names = ['name', 'mode', 'azs', 'natGatewayMode', 'state', 'execution', 'updatedAt', 'createdAt', 'ledger', 'privateSubnetIds', ...(network.vpcId ? ['vpcId'] : [])];
  return updateIfConditionHolds(registry, networkRecordKey(network.name), `SET ${sets.join(', ')}`, {
    condition: 'attribute_not_exists(#state) OR #state IN (:building, :failed)',
    names: Object.fromEntries(names.map((name) => [`#${name}`, name])),
    values,
  });
}
