import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { acquireNetworkLock } from '../../functions/membership/acquire-network-lock';
import { releaseStaleLocks } from '../../functions/membership/release-stale-locks';
import type { ProvisionResult } from '../../functions/report/types';
import { acquireLocks, readLock } from '../../functions/shared/registry/lock-acquire';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { functionLockKey, networkLockKey, registryTableName, type Registry } from '../../functions/shared/registry/table';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { registryTask, type LocalRunOptions } from '../../statemachine/local-runner';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { execution, requestFor } from '../support/registry-fixture';

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const registry: Registry = { dynamodb: new DynamoDBClient({}), tableName: registryTableName() };

/** Instrumentation, not a mock: the real handlers, with the order in which each execution's tasks started and ended. */
function taskTimeline(): { resolveTask: LocalRunOptions['resolveTask']; entries: string[] } {
  const entries: string[] = [];
  return {
    entries,
    resolveTask: (task) => {
      const real = registryTask(task);
      return async (input) => {
        const who = (input as { execution?: { name?: string } }).execution?.name ?? '?';
        entries.push(`${who} ${task} start`);
        try {
          return await real(input);
        } finally {
          entries.push(`${who} ${task} end`);
        }
      };
    },
  };
}

async function vpcsOfNetwork(name: string): Promise<string[]> {
  const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: [name] }] }));
  return (vpcs.Vpcs ?? []).map((vpc) => vpc.VpcId ?? '');
}

/** The execution (its name, `test-...`) that ran the given task first, and the other one. */
const executionsIn = (entries: readonly string[]): string[] => [...new Set(entries.map((entry) => entry.split(' ')[0] ?? ''))];

// Each test runs whole provisions (two at once in one), on a machine shared with other suites.
jest.setTimeout(300_000);

describe('provision with the registry: locks, memberships, network state', () => {
  it('writes the membership and a ready network, and leaves no lock, when the function is attached', async () => {
    // GIVEN a plain function
    const { functionName } = await freshAccountWithFunction('orders');
    await queueProbeAnswers(passingProbe());
    // WHEN it is provisioned onto network "shop"
    const run = await provision({ functionName, network: { name: 'shop' } });
    // THEN the registry holds the network, ready, with the VPC of the result, the function as its member
    // (with the configuration it had before) and this execution's ledger; both locks are gone
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    const shop = await readNetwork(registry, 'shop');
    expect(shop.record).toMatchObject({ state: 'ready', mode: 'create', vpcId: result.network.vpcId, execution: run.executionArn });
    expect(shop.record?.ledger.map((entry) => entry.id)).toEqual(expect.arrayContaining([result.network.vpcId, ...result.network.privateSubnetIds]));
    expect(shop.members).toEqual([
      expect.objectContaining({ functionArn: result.functionArn, execution: run.executionArn, originalVpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false } }),
    ]);
    expect(shop.lock).toBeUndefined();
    expect(await readLock(registry, functionLockKey(result.functionArn))).toBeUndefined();
  });

  it('fails after the membership was written: Rollback puts the function back and removes its membership, the ready network stays recorded', async () => {
    // GIVEN a plain function, and DetachVpcAccessPolicy (after RecordMembership and the unlock) denied
    const { functionName, roleName } = await freshAccountWithFunction('orders');
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(passingProbe());
    await emulator.inject({ service: 'iam', action: 'DetachRolePolicy', nth: 1, fault: { type: 'error', code: 'AccessDenied', status: 403 } });
    // WHEN it is provisioned
    const run = await provision({ functionName, network: { name: 'shop' } });
    // THEN it fails with that error after a complete Rollback, which gave the locks back
    expect([run.status, run.error]).toEqual(['FAILED', 'AccessDenied']);
    expect([timesEntered(run, 'RecordMembership'), timesEntered(run, 'ReleaseNetworkLockAfterRollback'), timesEntered(run, 'RolledBack')]).toEqual([1, 1, 1]);
    // AND the function and its role are as they were, and the registry no longer lists it
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
    const shop = await readNetwork(registry, 'shop');
    expect(shop.members).toEqual([]);
    expect(shop.lock).toBeUndefined();
    // AND the network, handed over to the registry (others may use it once unlocked), stays: ready, its ledger
    // holding exactly what this execution left, for teardown
    expect(shop.record?.state).toBe('ready');
    const left = await resourcesTaggedWith(ec2, run.executionArn);
    expect(left.length).toBeGreaterThan(0);
    expect(shop.record?.ledger.map((entry) => entry.id)).toEqual(expect.arrayContaining(left));
  });

  it('fails before the membership: the network this execution was building is marked failed, nothing is left, no lock, no member', async () => {
    // GIVEN the probe fails (so the function is never attached)
    const { functionName } = await freshAccountWithFunction('orders');
    await queueProbeAnswers({ url: 'https://aws.amazon.com/', ok: false, elapsedMs: 3000, error: { kind: 'timeout', message: 'no answer' } });
    // WHEN it is provisioned
    const run = await provision({ functionName, network: { name: 'shop' } });
    // THEN it fails ProbeFailed; Rollback removed everything, and the registry says the build failed
    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFailed']);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    const shop = await readNetwork(registry, 'shop');
    expect([shop.record?.state, shop.record?.execution, shop.members, shop.lock]).toEqual(['failed', run.executionArn, [], undefined]);
  });

  it('runs the same function twice at once one after the other: the second waits for the lock, never two interleaved VpcConfig updates', async () => {
    // GIVEN a plain function
    const { functionName } = await freshAccountWithFunction('orders');
    await queueProbeAnswers(passingProbe(), passingProbe());
    const timeline = taskTimeline();
    // WHEN two executions provision it at once onto the same network
    const runs = await Promise.all([1, 2].map(() => provision({ functionName, network: { name: 'shop' } }, { resolveTask: timeline.resolveTask, lockWaitMs: 50 })));
    // THEN both succeed, on one VPC, and exactly one of them waited for the lock
    expect(runs.map((run) => [run.status, run.error, run.cause?.slice(0, 500)])).toEqual([
      ['SUCCEEDED', undefined, undefined],
      ['SUCCEEDED', undefined, undefined],
    ]);
    expect(await vpcsOfNetwork('shop')).toHaveLength(1);
    expect(runs.map((run) => timesEntered(run, 'WaitForNetworkLock') > 0).sort()).toEqual([false, true]);
    // AND the one that waited changed the function only after the other had recorded it and unlocked
    const [first, second] = executionsIn(timeline.entries.filter((entry) => entry.endsWith('AttachFunction start')));
    // The lock is free once the first's ReleaseNetworkLock has deleted it, which may be before that task's end is
    // logged: the second's lock is compared with the release's start, its attach with the release's end.
    const firstUnlocking = timeline.entries.indexOf(`${first} ReleaseNetworkLock start`);
    const firstUnlocked = timeline.entries.indexOf(`${first} ReleaseNetworkLock end`);
    const secondAttaches = timeline.entries.indexOf(`${second} AttachFunction start`);
    const secondLocked = timeline.entries.lastIndexOf(`${second} AcquireNetworkLock end`);
    expect([firstUnlocking, firstUnlocked].map((index) => index > -1)).toEqual([true, true]);
    expect([secondLocked > firstUnlocking, secondAttaches > firstUnlocked]).toEqual([true, true]);
    // AND the registry holds one membership, with the configuration from before lambda-egress
    const shop = await readNetwork(registry, 'shop');
    expect(shop.members.map((member) => [member.functionName, member.originalVpcConfig.subnetIds])).toEqual([[functionName, []]]);
  });

  it('fails FunctionBusy naming the running execution when another execution keeps changing the function, having created nothing', async () => {
    // GIVEN a live execution elsewhere holds the function's lock (it is moving orders onto another network)
    const { functionName } = await freshAccountWithFunction('orders');
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const holder = execution('moving-orders').id;
    await acquireLocks(registry, { network: 'elsewhere', functionArn: config.FunctionArn ?? '', owner: holder, leaseSeconds: 3600 });
    // WHEN a provision of the same function runs (its lock wait shortened, all attempts used)
    const run = await provision({ functionName, network: { name: 'shop' } }, { lockWaitMs: 0 });
    // THEN it fails FunctionBusy, naming that execution and what to do, and created nothing
    expect([run.status, run.error, timesEntered(run, 'LockNotAcquired'), timesEntered(run, 'EnsureVpc')]).toEqual(['FAILED', 'FunctionBusy', 1, 0]);
    expect(run.cause).toContain(holder);
    expect(run.cause).toContain(`lambda-egress status ${holder}`);
    expect(await vpcsOfNetwork('shop')).toEqual([]);
    // AND the holder keeps its lock
    expect((await readLock(registry, functionLockKey(config.FunctionArn ?? '')))?.lockOwner).toBe(holder);
  });

  it("frees an aborted holder's lock through the status-change handler: the next provision of the network goes ahead without waiting", async () => {
    // GIVEN an execution took the network's lock, marked "shop" building and was then aborted
    const { functionName } = await freshAccountWithFunction('orders');
    await createSampleFunction('billing');
    const aborted = execution('aborted');
    await acquireNetworkLock(registry, { execution: aborted, request: requestFor('billing', 'shop') });
    expect((await readLock(registry, networkLockKey('shop')))?.lockOwner).toBe(aborted.id);
    // WHEN its ABORTED status-change event reaches the stale-lock handler
    const freed = await releaseStaleLocks(registry, { detail: { executionArn: aborted.id, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:LambdaEgressProvision', status: 'ABORTED' } });
    expect([freed.released.sort(), freed.networksFailed]).toEqual([[`function#${requestFor('billing').functionArn}`, 'network#shop'], ['shop']]);
    // THEN a provision onto "shop" takes the lock at once and builds the network
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'shop' } }, { lockWaitMs: 0 });
    expect([run.status, run.error, timesEntered(run, 'WaitForNetworkLock')]).toEqual(['SUCCEEDED', undefined, 0]);
    expect((await readNetwork(registry, 'shop')).record).toMatchObject({ state: 'ready', execution: run.executionArn });
  });

  it("frees a vanished holder's lock at lease expiry, with no event at all: the next provision goes ahead without waiting", async () => {
    // GIVEN an execution took the network's lock two hours ago with a one-hour lease, and vanished
    const { functionName } = await freshAccountWithFunction('orders');
    const vanished = execution('vanished').id;
    await acquireLocks(registry, { network: 'shop', functionArn: requestFor('billing').functionArn, owner: vanished, leaseSeconds: 3600, now: Math.floor(Date.now() / 1000) - 7200 });
    // WHEN a provision onto "shop" runs
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'shop' } }, { lockWaitMs: 0 });
    // THEN it took over the expired lock at once, built the network and gave the lock back
    expect([run.status, run.error, timesEntered(run, 'WaitForNetworkLock')]).toEqual(['SUCCEEDED', undefined, 0]);
    const shop = await readNetwork(registry, 'shop');
    expect([shop.record?.state, shop.lock]).toEqual(['ready', undefined]);
  });
});
