import { deleteIfConditionHolds, updateIfConditionHolds } from './item-access';
import { LOCK_OWNER_ATTRIBUTE, networkRecordKey, type ItemKey, type Registry } from './table';

/**
 * Deletes each lock only while `owner` holds it: a lock that has expired and been taken by another execution
 * is theirs now, and one already gone needs nothing. Returns the keys it released; running it twice releases
 * nothing the second time and fails nothing.
 */
export async function releaseLocks(registry: Registry, owner: string, keys: readonly ItemKey[]): Promise<ItemKey[]> {
  const released: ItemKey[] = [];
  for (const key of keys) {
    const deleted = await deleteIfConditionHolds(registry, key, { condition: '#owner = :owner', names: { '#owner': LOCK_OWNER_ATTRIBUTE }, values: { ':owner': owner } });
    if (deleted) released.push(key);
  }
  return released;
}

/**
 * A network this execution was building and did not finish becomes `failed` (its ledger says what is there),
 * so the inventory shows it and the next execution builds it again. Any other state is left as it is.
 */
export async function markNetworkFailed(registry: Registry, network: string, owner: string, now = new Date()): Promise<boolean> {
  return updateIfConditionHolds(registry, networkRecordKey(network), 'SET #state = :failed, #updatedAt = :now', {
    condition: '#state = :building AND #execution = :owner',
    names: { '#state': 'state', '#execution': 'execution', '#updatedAt': 'updatedAt' },
    values: { ':failed': 'failed', ':building': 'building', ':owner': owner, ':now': now.toISOString() },
  });
}
