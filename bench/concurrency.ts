import { DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { TAG_NETWORK } from '../functions/shared/tags';
import { emulator } from '../local/test-support/emulator-control';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import type { LocalRunResult } from '../statemachine/local-runner';
import { countAction } from './call-log';
import { createUserFunction, expectStatus, freshAccount, measureProvision } from './provision-run';
import { BENCH_AZ_COUNT, BENCH_NETWORK, createModeRequest } from './requests';

/** The states an execution passes through once more for every round it waits for the network lock. */
const LOCK_WAIT_ROUND = ['WaitForNetworkLock', 'AcquireNetworkLock', 'NetworkLockAcquired?'];

/** N provisions of different functions started at once onto one new network, in a fresh account. */
interface ConcurrentRound {
  readonly provisions: number;
  readonly vpcsCreated: number;
  readonly natGatewaysCreated: number;
  /** Described at the end: VPCs tagged with the network, and their available NAT gateways. */
  readonly described: { readonly vpcs: number; readonly natGateways: number };
  /** From the first start to the last end. */
  readonly wallMs: number;
  readonly stateTransitions: number;
  /** WaitForNetworkLock entries over all executions, and the transitions those rounds cost (Wait, Acquire, Choice). */
  readonly lockWaits: number;
  readonly lockWaitTransitions: number;
  /** Lock waits of each execution, in start order. */
  readonly lockWaitsPerExecution: number[];
}

export interface Concurrency {
  readonly single: ConcurrentRound;
  readonly concurrent: ConcurrentRound;
  /** concurrent.wallMs / single.wallMs. */
  readonly wallTimeRatio: number;
  /** The lock wait the local runs used (the deployed Wait state is 15 s). */
  readonly lockWaitMs: number;
  readonly azs: number;
}

const entries = (run: LocalRunResult, state: string): number => run.events.filter((event) => event.type === 'StateEntered' && 'state' in event && event.state.name === state).length;

async function round(environment: IsolatedEmulator, provisions: number, lockWaitMs: number): Promise<ConcurrentRound> {
  await freshAccount();
  const names = Array.from({ length: provisions }, (_, index) => `concurrent-${index + 1}`);
  for (const name of names) await createUserFunction(name);
  const started = performance.now();
  const measured = await Promise.all(
    names.map(async (name) => expectStatus(await measureProvision(environment, createModeRequest(name), { lockWaitMs }), 'SUCCEEDED', `concurrency: provision of ${name}`)),
  );
  const wallMs = performance.now() - started;
  const calls = await emulator.calls();
  const ec2 = new EC2Client({});
  const vpcIds = ((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: [BENCH_NETWORK] }] }))).Vpcs ?? []).flatMap((vpc) => (vpc.VpcId ? [vpc.VpcId] : []));
  const nats = vpcIds.length ? ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: vpcIds }] }))).NatGateways ?? []).filter((nat) => nat.State === 'available') : [];
  await emulator.clearCalls();
  const lockWaitsPerExecution = measured.map(({ run }) => entries(run, 'WaitForNetworkLock'));
  const lockWaits = lockWaitsPerExecution.reduce((sum, waits) => sum + waits, 0);
  return {
    provisions,
    vpcsCreated: countAction(calls, 'CreateVpc'),
    natGatewaysCreated: countAction(calls, 'CreateNatGateway'),
    described: { vpcs: vpcIds.length, natGateways: nats.length },
    wallMs,
    stateTransitions: measured.reduce((sum, { run }) => sum + run.stateTransitions, 0),
    lockWaits,
    lockWaitTransitions: lockWaits * LOCK_WAIT_ROUND.length,
    lockWaitsPerExecution,
  };
}

/**
 * Deliverable 6 of issue 14: `provisions` different functions provisioned at once onto one new network
 * versus one alone, each in a fresh account: what was created, the wall time ratio, and the transitions
 * spent waiting for the network lock. In-process executions against the emulator, lock waits shortened to
 * `lockWaitMs` (the emulator builds at once; the deployed wait is 15 s).
 */
export async function measureConcurrency(environment: IsolatedEmulator, provisions: number, lockWaitMs: number): Promise<Concurrency> {
  const single = await round(environment, 1, lockWaitMs);
  const concurrent = await round(environment, provisions, lockWaitMs);
  return { single, concurrent, wallTimeRatio: concurrent.wallMs / single.wallMs, lockWaitMs, azs: BENCH_AZ_COUNT };
}
