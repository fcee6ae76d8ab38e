import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ensureVpcLambdaRole } from '../local/lambda-roles';
import { ensureRegistryTable } from '../local/local-registry';
import { PROBE_ROLE_NAME, queueInvokeAnswers } from '../local/local-environment';
import { ensureDemoFunction } from '../local/sample-function';
import type { ProbeResult } from '../functions/probe/types';
import type { ProvisionRequestInput } from '../functions/shared/types';
import { runLocally, type LocalRunResult } from '../statemachine/local-runner';
import { emulator } from '../local/test-support/emulator-control';
import { ensureEniCleanupRole } from '../local/eni-cleanup-role';
import { ENI_CLEANUP_ROLE_ENV } from '../functions/undo/eni-cleanup-session';
import { REGISTRY_TABLE_ENV } from '../functions/shared/registry/table';
import type { CallRecord } from '../local/test-support/fault-rules';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { tracedTasks, type TaskInvocation, type TraceOptions } from './traced-tasks';

/** What the probe function answers in the emulator (it cannot reach the internet): success, or a time-out. */
type ProbeOutcome = 'passes' | 'times-out';

/** One local execution, measured. */
export interface MeasuredRun {
  readonly run: LocalRunResult;
  readonly invocations: TaskInvocation[];
  /** The account's AWS calls during the execution, in order. */
  readonly calls: CallRecord[];
  readonly wallMs: number;
}

let executions = 0;

/**
 * A brand-new account (the proxy maps it to its own moto account) holding what the deployed stack provides
 * the tasks: the probe's role, passed as PROBE_ROLE_ARN, the role that deletes the network's Lambda ENIs, passed
 * as ENI_CLEANUP_ROLE_ARN, and the registry table. Setup calls are cleared from the call log.
 */
export async function freshAccount(): Promise<string> {
  const account = await emulator.freshAccount();
  const iam = new IAMClient({});
  process.env.PROBE_ROLE_ARN = await ensureVpcLambdaRole(iam, PROBE_ROLE_NAME, 'lambda-egress probe (benchmark)');
  process.env[ENI_CLEANUP_ROLE_ENV] = await ensureEniCleanupRole(iam, account);
  process.env[REGISTRY_TABLE_ENV] = await ensureRegistryTable();
  await emulator.clearCalls();
  return account;
}

/** A user's plain (non-VPC) function. Clears the call log: read it first if you need it. */
export async function createUserFunction(functionName: string): Promise<void> {
  await ensureDemoFunction(new IAMClient({}), new LambdaClient({}), functionName);
  await emulator.clearCalls();
}

/**
 * Runs statemachine/provision.asl.json locally with the real handlers, traced (tracedTasks), waits and retry
 * intervals skipped (the emulator has nothing to wait for; the simulation puts the waits back). The probe's
 * Invoke is answered as `probe` says.
 */
export async function measureProvision(
  environment: IsolatedEmulator,
  request: ProvisionRequestInput | object,
  options: {
    readonly probe?: ProbeOutcome;
    readonly before?: TraceOptions['before'];
    readonly lockWaitMs?: number;
    /** Shared by executions measured at once (bench/joins.ts): one task at a time across all of them. */
    readonly serializer?: TraceOptions['serializer'];
    /** Another workflow of the product (release, teardown): its definition and state machine name. */
    readonly workflow?: { readonly definitionPath: string; readonly stateMachineName: string };
  } = {},
): Promise<MeasuredRun> {
  const account = await emulator.account();
  const probe = options.probe ?? 'passes';
  const startIndex = (await emulator.calls()).length;
  const traced = tracedTasks({
    ...(options.serializer ? { serializer: options.serializer } : {}),
    before: async (task, input, calls) => {
      if (task === 'RunProbe') await queueInvokeAnswers(environment.motoEndpoint, account, environment.region, [probeAnswer(probe, input)]);
      await options.before?.(task, input, calls);
    },
  });
  executions += 1;
  const started = performance.now();
  const run = await runLocally(request, {
    executionName: `bench-${process.pid}-${executions}`,
    region: environment.region,
    accountId: account,
    skipWaits: true,
    skipRetryIntervals: true,
    resolveTask: traced.resolveTask,
    ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
    ...options.workflow,
  });
  const wallMs = performance.now() - started;
  const calls = (await emulator.calls()).slice(startIndex);
  return { run, invocations: traced.invocations, calls, wallMs };
}

function probeAnswer(outcome: ProbeOutcome, input: unknown): ProbeResult {
  const probe = (input as { request?: { probe?: { url?: string; timeoutSeconds?: number } } }).request?.probe;
  const url = probe?.url ?? 'https://aws.amazon.com/';
  if (outcome === 'passes') return { url, ok: true, statusCode: 200, elapsedMs: 0 };
  const timeoutMs = (probe?.timeoutSeconds ?? 3) * 1000;
  return { url, ok: false, elapsedMs: timeoutMs, error: { kind: 'timeout', message: `benchmark: no response within ${timeoutMs / 1000} s (provoked failure)` } };
}

/** Throws unless the run ended as expected: a benchmark of a broken run measures nothing. */
export function expectStatus(measured: MeasuredRun, status: LocalRunResult['status'], what: string): MeasuredRun {
  if (measured.run.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${measured.run.status} (${measured.run.error ?? ''}: ${measured.run.cause ?? ''})`);
  }
  return measured;
}
