import { DeleteVpcEndpointsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { NetworkLockSlice } from '../../functions/membership/types';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { createSampleFunction } from '../../local/sample-function';
import { RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { registryTask, runLocally, type LocalRunOptions } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';

/**
 * Joins of a ready network through the real provision, release and teardown state machines (their ASL files,
 * the real handlers, moto behind the fault proxy): the protocol of docs/joins.md end to end.
 */
jest.setTimeout(5 * 60_000);
const ec2 = new EC2Client({});
const NAMES = ['join-1', 'join-2', 'join-3', 'join-4', 'join-5'];

/** Instrumentation, not a mock: the real AcquireNetworkLock, with each slice it returned noted by execution. */
function lockSlices(): { resolveTask: LocalRunOptions['resolveTask']; slices: Array<NetworkLockSlice & { execution: string }> } {
  const slices: Array<NetworkLockSlice & { execution: string }> = [];
  return {
    slices,
    resolveTask: (name) => {
      const real = registryTask(name);
      if (name !== 'AcquireNetworkLock') return real;
      return async (input) => {
        const slice = (await real(input)) as NetworkLockSlice;
        slices.push({ ...slice, execution: (input as { execution: { id: string } }).execution.id });
        return slice;
      };
    },
  };
}

let runs = 0;
const lifecycle = (definitionPath: string, input: unknown) => {
  runs += 1;
  return runLocally(input, { definitionPath, executionName: `joins-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true });
};

describe('joins of a ready network, through the real workflows', () => {
  it('five joins at once onto a ready network all succeed, none waiting for the network lock', async () => {
    // GIVEN network "shared" is ready with orders on it, and five more plain functions
    await freshAccountWithFunction('orders');
    await queueProbeAnswers(...Array.from({ length: 8 }, () => passingProbe()));
    expect((await provision({ functionName: 'orders', network: { name: 'shared' } })).status).toBe('SUCCEEDED');
    for (const name of NAMES) await createSampleFunction(name);

    // WHEN the five are provisioned onto "shared" at once
    const lock = lockSlices();
    const joins = await Promise.all(NAMES.map((functionName) => provision({ functionName, network: { name: 'shared' } }, { lockWaitMs: 50, resolveTask: lock.resolveTask })));

    // THEN every one succeeds, without a single round in WaitForNetworkLock, each on a shared claim
    expect(joins.map((run) => [run.status, run.error, run.cause?.slice(0, 300)])).toEqual(NAMES.map(() => ['SUCCEEDED', undefined, undefined]));
    expect(joins.map((run) => timesEntered(run, 'WaitForNetworkLock'))).toEqual([0, 0, 0, 0, 0]);
    expect(lock.slices.map((slice) => [slice.acquired, slice.shared])).toEqual(NAMES.map(() => [true, true]));
    // AND they share the network's one VPC
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }))).Vpcs).toHaveLength(1);
  });

  it('five provisions at once onto a new network: one builds it, the other four wait only for that build, then join side by side', async () => {
    // GIVEN five plain functions and no network
    await freshAccountWithFunction(NAMES[0]);
    await queueProbeAnswers(...Array.from({ length: 8 }, () => passingProbe()));
    for (const name of NAMES.slice(1)) await createSampleFunction(name);

    // WHEN all five are provisioned onto new network "fresh" at once
    const lock = lockSlices();
    const runsAtOnce = await Promise.all(NAMES.map((functionName) => provision({ functionName, network: { name: 'fresh' } }, { lockWaitMs: 50, resolveTask: lock.resolveTask })));

    // THEN all succeed, and exactly one execution built the network (exclusive lock)
    expect(runsAtOnce.map((run) => [run.status, run.error, run.cause?.slice(0, 300)])).toEqual(NAMES.map(() => ['SUCCEEDED', undefined, undefined]));
    const acquired = lock.slices.filter((slice) => slice.acquired);
    const builders = acquired.filter((slice) => slice.building);
    expect(builders).toHaveLength(1);
    // AND the other four each took a shared claim once it was ready
    expect(acquired.filter((slice) => slice.shared).map((slice) => slice.execution).sort()).toEqual(
      runsAtOnce.map((run) => run.executionArn).filter((arn) => arn !== builders[0]?.execution).sort(),
    );
    // AND whoever waited, waited for the builder only: never for another join
    const waitedFor = new Set(lock.slices.filter((slice) => !slice.acquired).map((slice) => slice.holder));
    expect([...waitedFor]).toEqual(waitedFor.size === 0 ? [] : [builders[0]?.execution]);
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['fresh'] }] }))).Vpcs).toHaveLength(1);
  });

  it('a teardown started while a join is in flight fails NetworkInUse naming the join (deterministic interleaving: the join paused before AttachFunction), and the join then succeeds', async () => {
    // GIVEN network "shared" is ready and has no members (orders provisioned, then released)
    await freshAccountWithFunction('orders');
    await queueProbeAnswers(...Array.from({ length: 4 }, () => passingProbe()));
    expect((await provision({ functionName: 'orders', network: { name: 'shared' } })).status).toBe('SUCCEEDED');
    expect((await lifecycle(RELEASE_DEFINITION_PATH, { functionName: 'orders' })).status).toBe('SUCCEEDED');
    await createSampleFunction('billing');

    // WHEN billing's join reaches AttachFunction, and is held there while a teardown of "shared" runs
    let reached!: () => void;
    const atAttach = new Promise<void>((resolve) => (reached = resolve));
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    const joining = provision(
      { functionName: 'billing', network: { name: 'shared' } },
      {
        resolveTask: (name) => {
          const real = registryTask(name);
          if (name !== 'AttachFunction') return real;
          return async (input) => {
            reached();
            await gate;
            return real(input);
          };
        },
      },
    );
    await atAttach;
    const teardownRun = await lifecycle(TEARDOWN_DEFINITION_PATH, { network: 'shared' });
    proceed();
    const joined = await joining;

    // THEN the teardown failed NetworkInUse naming billing and the execution joining, and deleted nothing
    expect([teardownRun.status, teardownRun.error]).toEqual(['FAILED', 'NetworkInUse']);
    expect(teardownRun.cause).toContain(`function:billing by execution ${joined.executionArn}`);
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }))).Vpcs).toHaveLength(1);
    // AND the join succeeded
    expect([joined.status, joined.error, joined.cause?.slice(0, 300)]).toEqual(['SUCCEEDED', undefined, undefined]);
  });

  it('a join that finds part of the network missing creates nothing under its claim: it rolls back, starts again under the exclusive lock and repairs it', async () => {
    // GIVEN network "shared" is ready, and its S3 gateway endpoint has since been deleted by hand (drift)
    await freshAccountWithFunction('orders');
    await queueProbeAnswers(...Array.from({ length: 6 }, () => passingProbe()));
    const built = await provision({ functionName: 'orders', network: { name: 'shared' } });
    expect(built.status).toBe('SUCCEEDED');
    const vpcId = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }))).Vpcs?.[0]?.VpcId ?? '';
    const liveEndpoints = async () =>
      ((await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).VpcEndpoints ?? []).filter((endpoint) => !['deleted', 'deleting'].includes(String(endpoint.State).toLowerCase()));
    await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: (await liveEndpoints()).map((endpoint) => endpoint.VpcEndpointId ?? '') }));
    expect(await liveEndpoints()).toHaveLength(0);
    await createSampleFunction('billing');

    // WHEN billing joins "shared"
    const lock = lockSlices();
    const run = await provision({ functionName: 'billing', network: { name: 'shared' } }, { lockWaitMs: 50, resolveTask: lock.resolveTask });

    // THEN it succeeds after one start again: first a shared claim, then the exclusive lock
    expect([run.status, run.error, run.cause?.slice(0, 300)]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(timesEntered(run, 'RepairUnderExclusiveLock')).toBe(1);
    expect(lock.slices.map((slice) => [slice.acquired, slice.shared ?? false, slice.exclusive ?? false])).toEqual([
      [true, true, false],
      [true, false, true],
    ]);
    // AND the endpoint is back, once
    expect(await liveEndpoints()).toHaveLength(1);
  });
});
