import { acquireNetworkLock } from '../../functions/membership/acquire-network-lock';
import { releaseNetworkLock } from '../../functions/membership/release-network-lock';
import { FunctionBusy, LockTimeout } from '../../functions/shared/errors';
import { acquireLocks, readLock } from '../../functions/shared/registry/lock-acquire';
import { releaseLocks } from '../../functions/shared/registry/lock-release';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { epochSeconds, functionLockKey, networkLockKey } from '../../functions/shared/registry/table';
import { execution, freshRegistry, functionArn, requestFor } from '../support/registry-fixture';

/** The network and function locks on moto's DynamoDB: conditional transactions, leases, owners. */
const SETTINGS = { leaseSeconds: 3600, maxAttempts: 3, waitSeconds: 15 };
const lockRequest = (owner: string, fn: string, network = 'shared') => ({ network, functionArn: functionArn(fn), owner: execution(owner).id, leaseSeconds: 3600 });

describe('network lock', () => {
  it('takes the network and the function lock for one execution, and marks a new network building', async () => {
    // GIVEN an empty registry
    const registry = await freshRegistry();
    // WHEN an execution asks for the lock of network "shared"
    const slice = await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') }, SETTINGS);
    // THEN it holds both locks, with a lease, and the network is being built by it
    expect(slice).toEqual({ acquired: true, attempt: 1, maxAttempts: 3, waitSeconds: 15, leaseExpiresAt: expect.any(Number), building: true });
    expect(await readLock(registry, networkLockKey('shared'))).toMatchObject({ lockOwner: execution('a').id, leaseExpiresAt: slice.leaseExpiresAt });
    expect(await readLock(registry, functionLockKey(functionArn('orders')))).toMatchObject({ lockOwner: execution('a').id });
    expect((await readNetwork(registry, 'shared')).record).toMatchObject({ state: 'building', execution: execution('a').id, mode: 'create', azs: ['us-east-1a', 'us-east-1b'] });
  });

  it('is idempotent: the holder asking again renews its own lease', async () => {
    const registry = await freshRegistry();
    const first = await acquireLocks(registry, { ...lockRequest('a', 'orders'), now: epochSeconds() - 100 });
    const again = await acquireLocks(registry, lockRequest('a', 'orders'));
    expect([first.acquired, again.acquired]).toEqual([true, true]);
    expect((await readLock(registry, networkLockKey('shared')))?.leaseExpiresAt).toBe(again.acquired ? again.leaseExpiresAt : -1);
  });

  it('tells a second execution who holds the network, and lets it try again on the next attempt', async () => {
    // GIVEN execution a holds network "shared"
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') }, SETTINGS);
    // WHEN b asks for the same network for another function
    const slice = await acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('billing') }, SETTINGS);
    // THEN it is told to wait, with the holder named, and nothing of b's is locked
    expect(slice).toEqual({ acquired: false, attempt: 1, maxAttempts: 3, waitSeconds: 15, holder: execution('a').id, heldLock: 'network' });
    expect(await readLock(registry, functionLockKey(functionArn('billing')))).toBeUndefined();
    // AND once a releases, b's next attempt gets it
    expect(await releaseNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') })).toEqual({ released: ['network', 'function'], networkFailed: false });
    expect(await acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('billing'), lock: slice }, SETTINGS)).toMatchObject({ acquired: true, attempt: 2 });
  });

  it('names the execution changing the same function, even on another network', async () => {
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders', 'blue') }, SETTINGS);
    const slice = await acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('orders', 'green') }, SETTINGS);
    expect(slice).toMatchObject({ acquired: false, holder: execution('a').id, heldLock: 'function' });
    // Neither lock of b was written: the transaction is all or nothing.
    expect(await readLock(registry, networkLockKey('green'))).toBeUndefined();
  });

  it('fails with FunctionBusy naming the running execution on the last attempt for a busy function', async () => {
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') }, SETTINGS);
    const last = acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('orders'), lock: { attempt: 2 } }, SETTINGS);
    await expect(last).rejects.toThrow(FunctionBusy);
    await expect(last).rejects.toThrow(execution('a').id);
  });

  it('fails with LockTimeout naming the holder on the last attempt for a busy network', async () => {
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') }, SETTINGS);
    const last = acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('billing'), lock: { attempt: 2 } }, SETTINGS);
    await expect(last).rejects.toThrow(LockTimeout);
    await expect(last).rejects.toThrow(/network "shared" is still locked by execution arn:aws:states:\S+:a after 3 attempts/);
  });

  it('frees a lock whose lease has run out for the next execution', async () => {
    // GIVEN execution a took the lock two hours ago with a one-hour lease, and vanished
    const registry = await freshRegistry();
    expect((await acquireLocks(registry, { ...lockRequest('a', 'orders'), now: epochSeconds() - 7200 })).acquired).toBe(true);
    // WHEN b asks now THEN it gets it
    expect(await acquireLocks(registry, lockRequest('b', 'billing'))).toEqual({ acquired: true, leaseExpiresAt: expect.any(Number) });
    // AND a, back from the dead, can no longer release what is b's
    expect(await releaseLocks(registry, execution('a').id, [networkLockKey('shared')])).toEqual([]);
    expect((await readLock(registry, networkLockKey('shared')))?.lockOwner).toBe(execution('b').id);
  });

  it('lets exactly one of several executions racing for one network win', async () => {
    // GIVEN a free network WHEN five executions ask for it at the same moment
    const registry = await freshRegistry();
    const names = ['a', 'b', 'c', 'd', 'e'];
    const results = await Promise.all(names.map((name) => acquireLocks(registry, lockRequest(name, `fn-${name}`))));
    // THEN exactly one holds it, and it is the one the table names
    const winners = names.filter((_, index) => results[index]?.acquired);
    expect(winners).toHaveLength(1);
    expect((await readLock(registry, networkLockKey('shared')))?.lockOwner).toBe(execution(winners[0] ?? '').id);
    // AND no loser holds its function's lock (the transaction wrote nothing for them)
    for (const name of names.filter((candidate) => !winners.includes(candidate))) expect(await readLock(registry, functionLockKey(functionArn(`fn-${name}`)))).toBeUndefined();
  });

  it('releases only its own locks, marks the network it was building failed after a rollback, and does nothing the second time', async () => {
    const registry = await freshRegistry();
    const input = { execution: execution('a'), request: requestFor('orders') };
    await acquireNetworkLock(registry, input, SETTINGS);
    // A stranger's release changes nothing.
    expect(await releaseNetworkLock(registry, { ...input, execution: execution('b') })).toEqual({ released: [], networkFailed: false });
    // WHEN a releases after its Rollback (the state carries the caught error)
    expect(await releaseNetworkLock(registry, { ...input, error: { Error: 'ProbeFailed' } })).toEqual({ released: ['network', 'function'], networkFailed: true });
    expect((await readNetwork(registry, 'shared')).record?.state).toBe('failed');
    // THEN a retry of the same release finds nothing to do
    expect(await releaseNetworkLock(registry, { ...input, error: { Error: 'ProbeFailed' } })).toEqual({ released: [], networkFailed: false });
  });
});
