import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { markNetworkFailed, releaseLocks } from '../shared/registry/lock-release';
import { functionLockKey, joinClaimKey, networkLockKey, registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { NetworkUnlockSlice, ReleaseNetworkLockInput } from './types';

/**
 * Gives back the network's and the function's lock (or a join's claim), only where this execution still holds them. After a
 * failure (Rollback ran) a network this execution was building is marked `failed`. Safe to run twice.
 */
export async function releaseNetworkLock(registry: Registry, input: ReleaseNetworkLockInput): Promise<NetworkUnlockSlice> {
  const owner = input.execution.id;
  const { network, functionArn } = input.request;
  const failed = (input.outcome ?? (input.error !== undefined ? 'failed' : 'succeeded')) === 'failed';
  // Marked before the lock goes, so no other execution sees the network unlocked and still `building`.
  const networkFailed = failed ? await markNetworkFailed(registry, network.name, owner) : false;
  const networkKey = networkLockKey(network.name);
  // A join's claim too: conditional on this owner like the locks, so one not taken is simply not there.
  const functionKeys = functionArn ? [functionLockKey(functionArn), joinClaimKey(network.name, functionArn)] : [];
  const released = await releaseLocks(registry, owner, [networkKey, ...functionKeys]);
  return { released: released.map((key) => (key.sk === networkKey.sk && key.pk === networkKey.pk ? 'network' : key.pk === networkKey.pk ? 'join' : 'function')), networkFailed };
}

const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('ReleaseNetworkLock', (input: ReleaseNetworkLockInput) => releaseNetworkLock(registry, input));
