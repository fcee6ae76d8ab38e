import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FunctionBusy, LockTimeout } from '../shared/errors';
import { logger } from '../shared/logger';
import { lockWaitMetric } from '../shared/metrics';
import { acquireLocks, markNetworkBuilding } from '../shared/registry/lock-acquire';
import { LOCK_LEASE_SECONDS, LOCK_MAX_ATTEMPTS, LOCK_WAIT_SECONDS } from '../shared/registry/lock-policy';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
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
  const base = { attempt, maxAttempts: settings.maxAttempts, waitSeconds: settings.waitSeconds };
  const result = await acquireLocks(registry, { network: network.name, ...(functionArn ? { functionArn } : {}), owner: input.execution.id, leaseSeconds: settings.leaseSeconds });
  if (result.acquired) {
    if ((input.purpose ?? 'provision') !== 'provision') return { ...base, acquired: true, leaseExpiresAt: result.leaseExpiresAt, building: false };
    const building = await markNetworkBuilding(
      registry,
      { name: network.name, mode: network.mode, azs: network.azs, natGatewayMode: network.natGateways, ...(network.vpcId ? { vpcId: network.vpcId } : {}) },
      input.execution.id,
    );
    return { ...base, acquired: true, leaseExpiresAt: result.leaseExpiresAt, building };
  }
  // The function's own lock says more (same function twice) than the network's.
  const held = result.held.find((lock) => lock.lock === 'function') ?? result.held[0];
  if (attempt >= settings.maxAttempts) {
    const waited = `after ${attempt} attempts ${settings.waitSeconds} s apart`;
    if (held?.lock === 'function') {
      throw new FunctionBusy(
        `execution ${held.holder} is changing ${functionArn ?? held.subject} (still ${waited}); wait for it to end (lambda-egress status ${held.holder}) or stop it, then run this request again`,
        { functionArn: functionArn ?? held.subject, holder: held.holder, leaseExpiresAt: held.leaseExpiresAt },
      );
    }
    throw new LockTimeout(
      held
        ? `network "${network.name}" is still locked by execution ${held.holder} ${waited}; wait for it to end (lambda-egress status ${held.holder}) or stop it, then run this request again`
        : `network "${network.name}" is still contended ${waited}; run this request again`,
      { network: network.name, ...(held ? { holder: held.holder, leaseExpiresAt: held.leaseExpiresAt } : {}) },
    );
  }
  // The state machine waits now: one LockWaits data point (the dashboard's "Lock waits").
  logger.info('waiting for the network lock', { holder: held?.holder, heldLock: held?.lock, attempt, ...lockWaitMetric(network.name) });
  return { ...base, acquired: false, ...(held ? { holder: held.holder, heldLock: held.lock } : {}) };
}

const dynamodb = new DynamoDBClient({});
export const handler = taskHandler('AcquireNetworkLock', (input: AcquireNetworkLockInput) =>
  acquireNetworkLock({ dynamodb, tableName: registryTableName() }, input),
);
