import { deleteIfConditionHolds, updateIfConditionHolds } from './item-access';
import { networkRecordKey, type Registry } from './table';

/**
 * Marks a network `deleting` (teardown has begun: the inventory shows it, and a provision that takes the lock
 * after a failed teardown finds the state). Only a network that has a record; returns whether it did.
 */
export async function markNetworkDeleting(registry: Registry, network: string, owner: string, now = new Date()): Promise<boolean> {
  return updateIfConditionHolds(registry, networkRecordKey(network), 'SET #state = :deleting, #updatedAt = :now, #execution = :owner', {
    condition: 'attribute_exists(#state)',
    names: { '#state': 'state', '#updatedAt': 'updatedAt', '#execution': 'execution' },
    values: { ':deleting': 'deleting', ':now': now.toISOString(), ':owner': owner },
  });
}

/** Forgets a network once everything of its ledger is gone; only while it is `deleting` (never a rebuilt one). */
export async function deleteNetworkRecord(registry: Registry, network: string): Promise<boolean> {
  return deleteIfConditionHolds(registry, networkRecordKey(network), { condition: '#state = :deleting', names: { '#state': 'state' }, values: { ':deleting': 'deleting' } });
}
