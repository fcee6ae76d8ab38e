import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { acquireNetworkLock } from '../../functions/membership/acquire-network-lock';
import { recordMembershipOfExecution } from '../../functions/membership/record-membership';
import { releaseNetworkLock } from '../../functions/membership/release-network-lock';
import type { LockTaskInput, RecordMembershipInput } from '../../functions/membership/types';
import { LockTimeout, NetworkInUse } from '../../functions/shared/errors';
import { claimJoin, liveJoins } from '../../functions/shared/registry/join-claims';
import { readNetworkRecord } from '../../functions/shared/registry/item-access';
import { readLock } from '../../functions/shared/registry/lock-acquire';
import { releaseLocksOwnedBy } from '../../functions/shared/registry/stale-locks';
import { epochSeconds, joinClaimKey, networkLockKey, type Registry } from '../../functions/shared/registry/table';
import { execution, freshRegistry, functionArn, requestFor } from '../support/registry-fixture';

/** RecordMembership publishes the network's SSM parameters too. */
const clients = { ssm: new SSMClient({}), ec2: new EC2Client({}) };

/** Shared claims of joins against the exclusive lock, on moto's DynamoDB (docs/joins.md). */
const SETTINGS = { leaseSeconds: 3600, maxAttempts: 3, waitSeconds: 15 };

function attached(functionName: string, run: string): RecordMembershipInput {
  return {
    execution: execution(run),
    request: requestFor(functionName),
    network: { vpc: { vpcId: 'vpc-shared' }, subnets: { privateSubnetIds: ['subnet-a', 'subnet-b'] }, securityGroup: { groupId: 'sg-egress' }, natGateways: [{ natTargetId: 'nat-a' }] },
    function: { original: { functionArn: functionArn(functionName), functionName, vpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false }, vpcAccessPolicyAttached: false } },
  };
}

/** Network "shared" built by execution `builder` for `orders`, ready and unlocked. */
async function readyNetwork(): Promise<Registry> {
  const registry = await freshRegistry();
  expect(await acquireNetworkLock(registry, { execution: execution('builder'), request: requestFor('orders') }, SETTINGS)).toMatchObject({ acquired: true, building: true });
  await recordMembershipOfExecution(registry, clients, attached('orders', 'builder'));
  await releaseNetworkLock(registry, { execution: execution('builder'), request: requestFor('orders'), outcome: 'succeeded' });
  return registry;
}

const join = (registry: Registry, functionName: string, run: string) => acquireNetworkLock(registry, { execution: execution(run), request: requestFor(functionName) }, SETTINGS);
const teardownInput = (run: string): LockTaskInput => ({ execution: execution(run), request: { network: requestFor('none').network }, purpose: 'teardown' });

describe('joins of a ready network: shared claims beside the exclusive lock', () => {
  it('five joins at once each take a shared claim on the first attempt; nobody holds the network exclusively', async () => {
    // GIVEN network "shared" is ready
    const registry = await readyNetwork();
    // WHEN five executions join it at once, each for its own function
    const names = ['f1', 'f2', 'f3', 'f4', 'f5'];
    const slices = await Promise.all(names.map((name) => join(registry, name, `join-${name}`)));
    // THEN each holds a shared claim on its first attempt, none builds, and the network's exclusive lock is free
    expect(slices.map((slice) => [slice.acquired, slice.attempt, slice.shared, slice.building])).toEqual(names.map(() => [true, 1, true, false]));
    expect(await readLock(registry, networkLockKey('shared'))).toBeUndefined();
    expect((await liveJoins(registry, 'shared', 'nobody')).map((claim) => claim.lockOwner).sort()).toEqual(names.map((name) => execution(`join-${name}`).id).sort());
  });

  it('a join onto a network being built waits for the builder, then claims instead of queueing behind it', async () => {
    // GIVEN execution a is building network "shared" (exclusive lock)
    const registry = await freshRegistry();
    expect(await join(registry, 'orders', 'a')).toMatchObject({ acquired: true, building: true });
    // WHEN b joins THEN it is told to wait for a
    const waiting = await join(registry, 'billing', 'b');
    expect(waiting).toMatchObject({ acquired: false, holder: execution('a').id, heldLock: 'network' });
    // WHEN a has recorded the ready network and given its lock back
    await recordMembershipOfExecution(registry, clients, attached('orders', 'a'));
    await releaseNetworkLock(registry, { execution: execution('a'), request: requestFor('orders'), outcome: 'succeeded' });
    // THEN b's next attempt takes a shared claim, and c joins beside it without waiting
    expect(await acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('billing'), lock: waiting }, SETTINGS)).toMatchObject({ acquired: true, attempt: 2, shared: true });
    expect(await join(registry, 'search', 'c')).toMatchObject({ acquired: true, attempt: 1, shared: true });
  });

  it('fails a teardown started during a join with NetworkInUse naming the join, and leaves nothing locked; after the join it proceeds', async () => {
    // GIVEN a join of billing (execution j) is in flight on ready network "shared"
    const registry = await readyNetwork();
    await join(registry, 'billing', 'j');
    // WHEN a teardown of "shared" takes its lock THEN it refuses, naming the function and the execution joining
    const refused = acquireNetworkLock(registry, teardownInput('t'), SETTINGS);
    await expect(refused).rejects.toThrow(NetworkInUse);
    await expect(refused).rejects.toThrow(`${functionArn('billing')} by execution ${execution('j').id}`);
    // AND it gave the exclusive lock back: the join's claim is the only thing held
    expect(await readLock(registry, networkLockKey('shared'))).toBeUndefined();
    // WHEN the join ends THEN the teardown gets the lock
    expect((await releaseNetworkLock(registry, { execution: execution('j'), request: requestFor('billing'), outcome: 'succeeded' })).released).toEqual(['function', 'join']);
    expect(await acquireNetworkLock(registry, teardownInput('t'), SETTINGS)).toMatchObject({ acquired: true });
  });

  it('makes a join wait while a teardown holds the network', async () => {
    const registry = await readyNetwork();
    expect(await acquireNetworkLock(registry, teardownInput('t'), SETTINGS)).toMatchObject({ acquired: true });
    expect(await join(registry, 'billing', 'j')).toMatchObject({ acquired: false, holder: execution('t').id, heldLock: 'network' });
    expect(await readLock(registry, joinClaimKey('shared', functionArn('billing')))).toBeUndefined();
  });

  it('makes a provision that changes the network wait for the joins in flight, and fails LockTimeout naming them on its last attempt', async () => {
    // GIVEN a join of billing in flight on ready network "shared" (NAT gateways per AZ)
    const registry = await readyNetwork();
    await join(registry, 'billing', 'j');
    // WHEN search asks for "shared" with one NAT gateway (a change of the network: exclusive)
    const change = { ...requestFor('search'), network: { ...requestFor('search').network, natGateways: 'single' as const } };
    // THEN it waits for the join, and on its last attempt names it
    expect(await acquireNetworkLock(registry, { execution: execution('m'), request: change }, SETTINGS)).toMatchObject({ acquired: false, heldLock: 'join', holder: execution('j').id });
    await expect(acquireNetworkLock(registry, { execution: execution('m'), request: change, lock: { attempt: 2 } }, SETTINGS)).rejects.toThrow(LockTimeout);
    expect(await readLock(registry, networkLockKey('shared'))).toBeUndefined();
  });

  it('races (both at once, 15 rounds, the interleaving DynamoDB picks): a join and a teardown never both hold the network', async () => {
    const registry = await readyNetwork();
    for (let round = 0; round < 15; round += 1) {
      const [joined, tornDown] = await Promise.allSettled([join(registry, 'billing', `j${round}`), acquireNetworkLock(registry, teardownInput(`t${round}`), SETTINGS)]);
      const joinHolds = joined.status === 'fulfilled' && joined.value.acquired;
      const teardownHolds = tornDown.status === 'fulfilled' && tornDown.value.acquired;
      expect([round, joinHolds && teardownHolds]).toEqual([round, false]);
      // A teardown that lost either refused naming the join or waits; nothing else.
      if (tornDown.status === 'rejected') expect(tornDown.reason).toBeInstanceOf(NetworkInUse);
      await releaseNetworkLock(registry, { execution: execution(`j${round}`), request: requestFor('billing'), outcome: 'succeeded' });
      await releaseNetworkLock(registry, { execution: execution(`t${round}`), request: { network: requestFor('none').network }, outcome: 'succeeded' });
    }
  });

  it("frees a crashed join's claim: by its lease, and at once by the stale-lock rule (execution ended)", async () => {
    // GIVEN a join claimed two hours ago with a one-hour lease, and vanished
    const registry = await readyNetwork();
    const record = await readNetworkRecord(registry, 'shared');
    const old = await claimJoin(registry, { network: 'shared', functionArn: functionArn('billing'), owner: execution('gone').id, leaseSeconds: 3600, seenUpdatedAt: record?.updatedAt ?? '', now: epochSeconds() - 7200 });
    expect(old.claimed).toBe(true);
    // THEN a teardown is not held back by it
    expect(await acquireNetworkLock(registry, teardownInput('t'), SETTINGS)).toMatchObject({ acquired: true });
    await releaseNetworkLock(registry, { execution: execution('t'), request: { network: requestFor('none').network }, outcome: 'succeeded' });
    // GIVEN a live join whose execution then aborted
    await join(registry, 'search', 'aborted');
    // WHEN the stale-lock rule frees what that execution held
    const freed = await releaseLocksOwnedBy(registry, execution('aborted').id);
    // THEN its claim and its function's lock are gone, and no network was marked failed
    expect(freed.released.map((key) => key.sk).sort()).toEqual(['join#' + functionArn('search'), 'lock'].sort());
    expect(freed.networksFailed).toEqual([]);
    expect(await liveJoins(registry, 'shared', 'nobody')).toEqual([]);
  });

  it("a join's RecordMembership adds its member without rewriting the network record", async () => {
    const registry = await readyNetwork();
    const before = await readNetworkRecord(registry, 'shared');
    const slice = await join(registry, 'billing', 'j');
    await recordMembershipOfExecution(registry, clients, { ...attached('billing', 'j'), lock: slice });
    expect(await readNetworkRecord(registry, 'shared')).toEqual(before);
  });

  it('two joins that each repaired something (a ledger entry) record at once: the ledger keeps both, nothing is lost', async () => {
    // GIVEN two joins in flight, each of which created a resource of the network (drift repaired under its claim)
    const registry = await readyNetwork();
    const withCreation = (functionName: string, run: string, id: string): RecordMembershipInput => ({
      ...attached(functionName, run),
      network: { ...attached(functionName, run).network, vpc: { vpcId: 'vpc-shared', ledger: [{ kind: 'nat-gateway', id, createdAt: new Date().toISOString() }] } as never },
    });
    const slices = await Promise.all([join(registry, 'billing', 'j1'), join(registry, 'search', 'j2')]);
    // WHEN both record their membership at once
    await Promise.all([
      recordMembershipOfExecution(registry, clients, { ...withCreation('billing', 'j1', 'nat-j1'), lock: slices[0] }),
      recordMembershipOfExecution(registry, clients, { ...withCreation('search', 'j2', 'nat-j2'), lock: slices[1] }),
    ]);
    // THEN the network's ledger holds both creations
    expect((await readNetworkRecord(registry, 'shared'))?.ledger.map((entry) => entry.id).filter((id) => id.startsWith('nat-')).sort()).toEqual(['nat-j1', 'nat-j2']);
  });
});
