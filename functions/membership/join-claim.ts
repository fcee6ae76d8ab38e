import type { HeldLock } from '../shared/registry/lock-acquire';
import { readLock } from '../shared/registry/lock-acquire';
import { claimJoin } from '../shared/registry/join-claims';
import { readNetworkRecord } from '../shared/registry/item-access';
import { isJoinOf } from '../shared/registry/join-rule';
import { epochSeconds, functionLockKey, networkLockKey, type Registry } from '../shared/registry/table';
import type { NetworkRecord } from '../shared/registry/records';
import type { LockTaskInput } from './types';

/** How often one attempt re-reads a record that changed under it (a repair finished) before it waits a round. */
const CLAIM_TRIES = 3;

type JoinAttempt =
  /** `record`: the record the claim was taken on (its `updatedAt` checked in the claim's transaction). */
  | { readonly outcome: 'claimed'; readonly leaseExpiresAt: number; readonly record: NetworkRecord }
  /** Another execution holds the network exclusively, or the function: wait, as for the exclusive lock. */
  | { readonly outcome: 'held'; readonly held: HeldLock[] }
  /** Not a join (no record, not ready, other settings): the exclusive lock decides. */
  | { readonly outcome: 'not-a-join' };

/** One attempt at a join's shared claim (join-claims.ts). */
export async function attemptJoin(registry: Registry, input: LockTaskInput, leaseSeconds: number): Promise<JoinAttempt> {
  const { network, functionArn } = input.request;
  if (!functionArn) return { outcome: 'not-a-join' };
  const owner = input.execution.id;
  for (let tried = 0; tried < CLAIM_TRIES; tried += 1) {
    const record = await readNetworkRecord(registry, network.name);
    if (!isJoinOf(record, network)) return { outcome: 'not-a-join' };
    const claim = await claimJoin(registry, { network: network.name, functionArn, owner, leaseSeconds, seenUpdatedAt: record.updatedAt });
    if (claim.claimed) return { outcome: 'claimed', leaseExpiresAt: claim.leaseExpiresAt, record };
    const now = epochSeconds();
    const locks = await Promise.all([readLock(registry, functionLockKey(functionArn)), readLock(registry, networkLockKey(network.name))]);
    const held = locks.flatMap((lock) =>
      lock && lock.lockOwner !== owner && lock.leaseExpiresAt >= now ? [{ lock: lock.lock, subject: lock.subject, holder: lock.lockOwner, leaseExpiresAt: lock.leaseExpiresAt }] : [],
    );
    if (held.length > 0) return { outcome: 'held', held };
    // Neither lock held: the record changed between the read and the claim; read it again.
  }
  return { outcome: 'held', held: [] };
}
