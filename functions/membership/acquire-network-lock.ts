import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionBusy, LockTimeout, NetworkInUse } from '../shared/errors';
import { logger } from '../shared/logger';
import { lockWaitMetric } from '../shared/metrics';
import { liveJoins } from '../shared/registry/join-claims';
import { acquireLocks, markNetworkBuilding, type HeldLock, type LockAcquisition } from '../shared/registry/lock-acquire';
import { releaseLocks } from '../shared/registry/lock-release';
import { LOCK_LEASE_SECONDS, LOCK_MAX_ATTEMPTS, LOCK_WAIT_SECONDS } from '../shared/registry/lock-policy';
import { functionLockKey, networkLockKey, registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import { attemptJoin } from './join-claim';
import { recordedNetwork } from '../network/recorded-network';
import type { AcquireNetworkLockInput, NetworkLockSlice } from './types';

export interface LockSettings {
  readonly leaseSeconds: number;
  readonly maxAttempts: number;
  readonly waitSeconds: number;
}

const DEFAULT_SETTINGS: LockSettings = { leaseSeconds: LOCK_LEASE_SECONDS, maxAttempts: LOCK_MAX_ATTEMPTS, waitSeconds: LOCK_WAIT_SECONDS };

/**
 * One attempt at the network's lock and the function's lock, for this execution. Not acquired: the slice names
 * the holder and the ASL waits (Choice -> Wait -> here again) until the last attempt, which fails with
 * FunctionBusy when another execution is changing the same function, else LockTimeout. Acquired: a network
 * without a record (or whose last build failed) is marked `building` by this execution.
 */
export async function acquireNetworkLock(registry: Registry, input: AcquireNetworkLockInput, settings: LockSettings = DEFAULT_SETTINGS): Promise<NetworkLockSlice> {
  const attempt = (input.lock?.attempt ?? 0) + 1;
  const { network, functionArn } = input.request;
  const exclusive = input.lock?.exclusive === true;
  const base = { attempt, maxAttempts: settings.maxAttempts, waitSeconds: settings.waitSeconds, ...(exclusive ? { exclusive: true as const } : {}) };
  const purpose = input.purpose ?? 'provision';
  // A join of a ready network: its function's lock and a shared claim, side by side with other joins (docs/joins.md).
  const join = purpose === 'provision' && !exclusive ? await attemptJoin(registry, input, settings.leaseSeconds) : { outcome: 'not-a-join' as const };
  if (join.outcome === 'claimed') {
    // The network as the claimed record names it: the join takes it from there instead of finding it (docs/joins.md).
    const recorded = recordedNetwork(join.record);
    return { ...base, acquired: true, leaseExpiresAt: join.leaseExpiresAt, building: false, shared: true, ...(recorded ? { recorded } : {}) };
  }
  const result: LockAcquisition = join.outcome === 'held' ? { acquired: false, held: join.held } : await acquireExclusive(registry, input, settings.leaseSeconds);
  if (result.acquired) {
    if (purpose !== 'provision') return { ...base, acquired: true, leaseExpiresAt: result.leaseExpiresAt, building: false };
    const building = await markNetworkBuilding(
      registry,
      { name: network.name, mode: network.mode, azs: network.azs, natGatewayMode: network.natGateways, ...(network.vpcId ? { vpcId: network.vpcId } : {}) },
      input.execution.id,
    );
    return { ...base, acquired: true, leaseExpiresAt: result.leaseExpiresAt, building };
  }
  // The function's own lock says more (same function twice) than the network's, and that more than a join's claim.
  const held = result.held.find((lock) => lock.lock === 'function') ?? result.held.find((lock) => lock.lock === 'network') ?? result.held[0];
  if (attempt >= settings.maxAttempts) {
    const waited = `after ${attempt} attempts ${settings.waitSeconds} s apart`;
    if (held?.lock === 'function') {
      throw new FunctionBusy(
        `execution ${held.holder} is changing ${functionArn ?? held.subject} (still ${waited}); wait for it to end (lambda-egress status ${held.holder}) or stop it, then run this request again`,
        { functionArn: functionArn ?? held.subject, holder: held.holder, leaseExpiresAt: held.leaseExpiresAt },
      );
    }
    throw new LockTimeout(
      held?.lock === 'join'
        ? `network "${network.name}" still has joins in flight ${waited} (${joinsNamed(result.held)}); wait for them to end, then run this request again`
        : held
        ? `network "${network.name}" is still locked by execution ${held.holder} ${waited}; wait for it to end (lambda-egress status ${held.holder}) or stop it, then run this request again`
        : `network "${network.name}" is still contended ${waited}; run this request again`,
      { network: network.name, ...(held ? { holder: held.holder, leaseExpiresAt: held.leaseExpiresAt } : {}) },
    );
  }
  // The state machine waits now: one LockWaits data point (the dashboard's "Lock waits").
  logger.info('waiting for the network lock', { holder: held?.holder, heldLock: held?.lock, attempt, ...lockWaitMetric(network.name) });
  return { ...base, acquired: false, ...(held ? { holder: held.holder, heldLock: held.lock } : {}) };
}

/**
 * The exclusive lock (build, repair, mode change, release, teardown): written first, then the joins' claims read.
 * A live claim gives the lock back at once (a join is entering the network): a teardown refuses naming the joins,
 * anything else waits for them like for a held lock.
 */
async function acquireExclusive(registry: Registry, input: AcquireNetworkLockInput, leaseSeconds: number): Promise<LockAcquisition> {
  const { network, functionArn } = input.request;
  const owner = input.execution.id;
  const result = await acquireLocks(registry, { network: network.name, ...(functionArn ? { functionArn } : {}), owner, leaseSeconds });
  if (!result.acquired) return result;
  const joins = await liveJoins(registry, network.name, owner);
  if (joins.length === 0) return result;
  await releaseLocks(registry, owner, [networkLockKey(network.name), ...(functionArn ? [functionLockKey(functionArn)] : [])]);
  const held: HeldLock[] = joins.map((claim) => ({ lock: 'join', subject: claim.subject, holder: claim.lockOwner, leaseExpiresAt: claim.leaseExpiresAt }));
  if (input.purpose === 'teardown') {
    throw new NetworkInUse(`network "${network.name}" has joins in flight (${joinsNamed(held)}); nothing was deleted: wait for them to end, then release those functions before a teardown`, {
      network: network.name,
      joins: held.map((join) => ({ functionArn: join.subject, execution: join.holder })),
    });
  }
  return { acquired: false, held };
}

const joinsNamed = (held: readonly HeldLock[]): string =>
  held.filter((lock) => lock.lock === 'join').map((join) => `${join.subject} by execution ${join.holder}`).join(', ');

const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('AcquireNetworkLock', (input: AcquireNetworkLockInput) =>
  acquireNetworkLock(registry, input),
);
