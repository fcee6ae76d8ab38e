import statusChange from '../../events/sfn-execution-status-change.json';
import { acquireNetworkLock } from '../../functions/membership/acquire-network-lock';
import { releaseStaleLocks, type ExecutionStatusChangeEvent } from '../../functions/membership/release-stale-locks';
import { readLock } from '../../functions/shared/registry/lock-acquire';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { functionLockKey, networkLockKey } from '../../functions/shared/registry/table';
import { freshRegistry, requestFor } from '../support/registry-fixture';

/** The status-change rule's handler on moto's DynamoDB, fed the sample event of events/. */
const event = statusChange as unknown as ExecutionStatusChangeEvent;
const holder = { id: event.detail.executionArn, name: event.detail.name ?? '' };

describe('stale lock release', () => {
  it("frees the locks of an aborted execution at once, and marks the network it was building failed", async () => {
    // GIVEN the execution of the sample event holds network "shared" and is building it
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: holder, request: requestFor('orders-api') });
    const other = { id: `${holder.id}-other`, name: 'other' };
    await acquireNetworkLock(registry, { execution: other, request: requestFor('billing', 'blue') });
    // WHEN its ABORTED event arrives
    const result = await releaseStaleLocks(registry, event);
    // THEN its two locks are gone, the network is failed, and another execution's locks are untouched
    expect(result).toEqual({ executionArn: holder.id, status: 'ABORTED', released: expect.arrayContaining(['network#shared', `function#${requestFor('orders-api').functionArn}`]), networksFailed: ['shared'] });
    expect(result.released).toHaveLength(2);
    expect(await readLock(registry, networkLockKey('shared'))).toBeUndefined();
    expect(await readLock(registry, functionLockKey(requestFor('orders-api').functionArn))).toBeUndefined();
    expect((await readNetwork(registry, 'shared')).record?.state).toBe('failed');
    expect((await readLock(registry, networkLockKey('blue')))?.lockOwner).toBe(other.id);
    // AND a second delivery of the same event releases nothing
    expect(await releaseStaleLocks(registry, event)).toMatchObject({ released: [], networksFailed: [] });
  });

  it('leaves the locks of an execution that is still running or succeeded alone', async () => {
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: holder, request: requestFor('orders-api') });
    for (const status of ['RUNNING', 'SUCCEEDED']) {
      expect(await releaseStaleLocks(registry, { detail: { ...event.detail, status } })).toMatchObject({ released: [] });
    }
    expect((await readLock(registry, networkLockKey('shared')))?.lockOwner).toBe(holder.id);
  });
});
