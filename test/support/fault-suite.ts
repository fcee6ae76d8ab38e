import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, ListTagsForResourceCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeRouteTablesCommand, EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { ListFunctionsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NAT_ALARM_PREFIX } from '../../functions/shared/nat-alarms';
import { allPages } from '../../functions/shared/paginate';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { registryTableName } from '../../functions/shared/registry/table';
import { createdBy, isManaged, PROBE_FUNCTION_PREFIX } from '../../functions/shared/tags';
import type { CallRecord } from '../../local/test-support/fault-rules';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { liveResources, resourcesTaggedWith } from './tagged-network';
import { functionSnapshot, passingProbe, provision, queueProbeAnswers } from './harness';
import type { AfterProvision, Scenario } from './scenario';
import { compiledModule, compiledProcessEnv } from './compiled-sources';
import { SCENARIOS, type ScenarioName } from './scenarios';

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const registry = { dynamodb: new DynamoDBClient({}), tableName: registryTableName() };
const cloudwatch = new CloudWatchClient({});
const autoscaling = new AutoScalingClient({});

/** The scenario's provision, and with `after` its follow-up prepared: the account as its faulted run needs it. */
export async function provisionedFor(scenario: Scenario & { after: AfterProvision }): Promise<unknown> {
  const { request } = await scenario.prepare();
  await queueProbeAnswers(passingProbe());
  const run = await provision(request);
  if (run.status !== 'SUCCEEDED') throw new Error(`the provision before ${scenario.name} failed: ${run.error} ${run.cause}`);
  return scenario.after.prepare(run);
}

/** A fault on one call of the run after the provision, judged by the scenario. */
async function faultAfterProvision(scenario: Scenario & { after: AfterProvision }, call: MutatingCall, kind: 'throttle' | 'fail'): Promise<string | undefined> {
  const prepared = await provisionedFor(scenario);
  const fault = (kind === 'throttle' ? THROTTLING : NON_RETRYABLE)[call.service];
  if (!fault) return `no ${kind} error known for ${call.service}`;
  const message = `injected ${kind} of ${call.action}#${call.nth}`;
  await emulator.inject({ service: call.service, action: call.action, nth: call.nth, fault: { type: 'error', code: fault.code, status: fault.status, message } });
  const run = await scenario.after.run();
  if (!(await emulator.calls()).some((record) => record.injected === 'error')) return `${message}: the fault was never hit`;
  const wrong = kind === 'throttle' ? await scenario.after.throttled(run, prepared) : await scenario.after.failed(run, prepared, message);
  return wrong === undefined ? undefined : `${message}: ${wrong}`;
}

const hasAfter = (scenario: Scenario): scenario is Scenario & { after: AfterProvision } => scenario.after !== undefined;

/** One mutating call of a clean run: the Nth call of that action in the account (setup included). */
export interface MutatingCall {
  readonly service: string;
  readonly action: string;
  readonly nth: number;
}

const THROTTLING: Record<string, { code: string; status: number }> = {
  ec2: { code: 'RequestLimitExceeded', status: 503 },
  lambda: { code: 'TooManyRequestsException', status: 429 },
  iam: { code: 'Throttling', status: 400 },
  dynamodb: { code: 'ThrottlingException', status: 400 },
  monitoring: { code: 'Throttling', status: 400 },
  autoscaling: { code: 'Throttling', status: 400 },
  ssm: { code: 'ThrottlingException', status: 400 },
};
const NON_RETRYABLE: Record<string, { code: string; status: number; name: string }> = {
  ec2: { code: 'UnauthorizedOperation', status: 403, name: 'UnauthorizedOperation' },
  lambda: { code: 'AccessDeniedException', status: 403, name: 'AccessDeniedException' },
  iam: { code: 'AccessDenied', status: 403, name: 'AccessDenied' },
  dynamodb: { code: 'AccessDeniedException', status: 400, name: 'AccessDeniedException' },
  monitoring: { code: 'AccessDenied', status: 403, name: 'AccessDenied' },
  autoscaling: { code: 'AccessDenied', status: 403, name: 'AccessDenied' },
  ssm: { code: 'AccessDeniedException', status: 400, name: 'AccessDeniedException' },
};

export function withOrdinals(calls: readonly CallRecord[]): Array<CallRecord & { nth: number }> {
  const seen = new Map<string, number>();
  return calls.map((call) => {
    const key = `${call.service}:${call.action}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    return { ...call, nth };
  });
}

/** Managed resources by kind, plus routes and probe functions: what "no duplicates" compares. */
export async function managedInventory(): Promise<Record<string, number>> {
  const inventory: Record<string, number> = {};
  for (const resource of await liveResources(ec2)) {
    if (isManaged(resource.tags as Tag[])) inventory[resource.kind] = (inventory[resource.kind] ?? 0) + 1;
  }
  const tables = await ec2.send(new DescribeRouteTablesCommand({}));
  inventory.routes = (tables.RouteTables ?? []).reduce((sum, table) => sum + (table.Routes?.length ?? 0), 0);
  const functions = await lambda.send(new ListFunctionsCommand({}));
  inventory.probeFunction = (functions.Functions ?? []).filter((fn) => fn.FunctionName?.startsWith(PROBE_FUNCTION_PREFIX)).length;
  inventory.natAlarms = (await natAlarms()).length;
  return inventory;
}

/** Every lambda-egress NAT alarm of the account (network.alarms), with its tags. */
async function natAlarms(): Promise<Array<{ name: string; tags: Tag[] | undefined }>> {
  const alarms = await allPages(paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: NAT_ALARM_PREFIX }), (page) => page.MetricAlarms);
  return Promise.all(
    alarms.map(async (alarm) => ({ name: alarm.AlarmName ?? '', tags: (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))).Tags })),
  );
}

/** The clean run: which mutating calls the workflow makes, and what it leaves behind. */
export async function cleanRun(scenario: Scenario): Promise<CleanRun> {
  if (hasAfter(scenario)) {
    await provisionedFor(scenario);
    const setupCalls = (await emulator.calls()).length;
    const run = await scenario.after.run();
    if (run.status !== 'SUCCEEDED') throw new Error(`clean run of ${scenario.name} failed: ${run.error} ${run.cause}`);
    const calls = withOrdinals(await emulator.calls()).slice(setupCalls);
    const mutatingActions = new Set(mutatingCalls(calls));
    return { mutating: calls.filter((call) => mutatingActions.has(call.action)).map(({ service, action, nth }) => ({ service, action, nth })), inventory: await managedInventory() };
  }
  const { request } = await scenario.prepare();
  const setupCalls = (await emulator.calls()).length;
  await queueProbeAnswers(passingProbe());
  const run = await provision(request);
  if (run.status !== 'SUCCEEDED') throw new Error(`clean run of ${scenario.name} failed: ${run.error} ${run.cause}`);
  const calls = withOrdinals(await emulator.calls()).slice(setupCalls);
  const mutatingActions = new Set(mutatingCalls(calls));
  const mutating = calls.filter((call) => mutatingActions.has(call.action)).map(({ service, action, nth }) => ({ service, action, nth }));
  return { mutating, inventory: await managedInventory() };
}

/** (a) a throttling error once on this call: the execution still succeeds and leaves exactly the clean run's resources. */
export async function throttledOnce(scenario: Scenario, call: MutatingCall, cleanInventory: Record<string, number>): Promise<string | undefined> {
  if (hasAfter(scenario)) return faultAfterProvision(scenario, call, 'throttle');
  const { request } = await scenario.prepare();
  await queueProbeAnswers(passingProbe(), passingProbe());
  const fault = THROTTLING[call.service];
  if (!fault) return `no throttling error known for ${call.service}`;
  await emulator.inject({ service: call.service, action: call.action, nth: call.nth, fault: { type: 'error', ...fault } });
  const run = await provision(request);
  if (run.status !== 'SUCCEEDED') return `throttled ${call.action}#${call.nth}: ${run.status} ${run.error} ${run.cause?.slice(0, 300)}`;
  const injected = (await emulator.calls()).some((record) => record.injected === 'error');
  if (!injected) return `throttled ${call.action}#${call.nth}: the fault was never hit`;
  const inventory = await managedInventory();
  if (JSON.stringify(inventory) !== JSON.stringify(cleanInventory)) {
    return `throttled ${call.action}#${call.nth}: resources ${JSON.stringify(inventory)} != clean ${JSON.stringify(cleanInventory)}`;
  }
  return undefined;
}

/** Around the workflow's run only (not the scenario's setup nor the checks): e.g. the realism profile on, then off. */
export interface AroundRun {
  before(): Promise<void>;
  after(): Promise<void>;
}

/** (b) a non-retryable error on this call: the execution fails with it, and rollback leaves nothing of its own. */
export async function failedFor(scenario: Scenario, call: MutatingCall, around?: AroundRun): Promise<string | undefined> {
  if (hasAfter(scenario)) return faultAfterProvision(scenario, call, 'fail');
  const { request, functionName, roleName } = await scenario.prepare();
  const before = await functionSnapshot(functionName, roleName);
  await queueProbeAnswers(passingProbe(), passingProbe());
  const fault = NON_RETRYABLE[call.service];
  if (!fault) return `no non-retryable error known for ${call.service}`;
  await emulator.inject({ service: call.service, action: call.action, nth: call.nth, fault: { type: 'error', code: fault.code, status: fault.status } });
  await around?.before();
  const run = await provision(request);
  await around?.after();
  const label = `failing ${call.action}#${call.nth}`;
  if (run.status !== 'FAILED' || run.error !== fault.name) return `${label}: expected FAILED ${fault.name}, got ${run.status} ${run.error} ${run.cause?.slice(0, 300)}`;
  const left = await resourcesTaggedWith(ec2, run.executionArn);
  const registered = await registeredNetwork(request);
  const handedOver = registered.handedOver;
  const unrecorded = left.filter((id) => !handedOver.has(id));
  if (unrecorded.length > 0) return `${label}: left behind ${unrecorded.join(', ')}`;
  const after = await functionSnapshot(functionName, roleName);
  if (JSON.stringify(after) !== JSON.stringify(before)) return `${label}: function/role ${JSON.stringify(after)} != original ${JSON.stringify(before)}`;
  const probes = (await lambda.send(new ListFunctionsCommand({}))).Functions?.filter((fn) => fn.FunctionName?.startsWith(PROBE_FUNCTION_PREFIX) && !handedOver.has(fn.FunctionName)) ?? [];
  if (probes.length > 0) return `${label}: probe function left behind`;
  if (registered.members.some((member) => member.functionName === functionName)) return `${label}: the registry still lists ${functionName} as a member`;
  const alarms = (await natAlarms()).filter((alarm) => createdBy(alarm.tags, run.executionArn) && !handedOver.has(alarm.name));
  if (alarms.length > 0) return `${label}: ${alarms.length} NAT alarm(s) left behind`;
  const groups = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
  const natInstanceGroups = groups.filter((group) => createdBy(group.Tags, run.executionArn) && !handedOver.has(group.AutoScalingGroupName ?? ''));
  if (natInstanceGroups.length > 0) return `${label}: NAT instance Auto Scaling group(s) left behind`;
  return undefined;
}

/**
 * The scenario's network in the registry: its members, and what a failure after RecordMembership leaves on
 * purpose: the network, handed over to the registry (`ready`, its ledger holding what the execution created;
 * other executions may use it once the lock is released) for teardown to remove. Each test has its own account,
 * so the ledger is this execution's.
 */
async function registeredNetwork(request: unknown): Promise<{ handedOver: Set<string>; members: Array<{ functionName: string }> }> {
  const name = (request as { network?: { name?: string } }).network?.name;
  if (!name) return { handedOver: new Set(), members: [] };
  const { record, members } = await readNetwork(registry, name);
  return { handedOver: new Set(record?.state === 'ready' ? record.ledger.map((entry) => entry.id) : []), members };
}

/** A clean run's record: the mutating calls, in order, and the managed resources it left. */
export interface CleanRun {
  readonly mutating: MutatingCall[];
  readonly inventory: Record<string, number>;
}

const TSX_CLI = require.resolve('tsx/cli');
// Run as a child process (its own emulator proxy): test/statemachine/record-clean-run.ts, not a module of test/support.
const RECORDER = join(__dirname, '..', 'statemachine', 'record-clean-run.ts');
const WAIT_FOR_SIBLING_MS = 10 * 60_000;

/**
 * The clean run of a scenario, recorded now, while jest collects this file: `it.each` needs its table before
 * any hook runs, so a beforeAll is too late, and collection cannot wait for a promise. The recorder
 * (record-clean-run.ts) is this same cleanRun in a child process, against the same moto server.
 *
 * Recorded once per scenario and jest run: the files that split one scenario's matrix share it through the
 * run's directory (LAMBDA_EGRESS_TEST_RUN_DIR, made by global-setup.ts). The first file to claim the scenario
 * records it; a sibling file waits for that recording (or its failure) instead of making a second one.
 */
export function recordCleanRun(scenario: ScenarioName): CleanRun {
  const runDir = process.env.LAMBDA_EGRESS_TEST_RUN_DIR;
  if (!runDir) throw new Error('LAMBDA_EGRESS_TEST_RUN_DIR is not set: run the fault suite through jest (npm test)');
  const recorded = join(runDir, `clean-run-${scenario}.json`);
  const failed = join(runDir, `clean-run-${scenario}.failed`);
  if (claim(join(runDir, `clean-run-${scenario}.claimed`))) {
    try {
      const run = recordInChild(scenario, runDir);
      writeFileSync(`${recorded}.tmp`, JSON.stringify(run));
      renameSync(`${recorded}.tmp`, recorded);
      return run;
    } catch (error) {
      writeFileSync(failed, (error as Error).message);
      throw error;
    }
  }
  const deadline = Date.now() + WAIT_FOR_SIBLING_MS;
  while (!existsSync(recorded)) {
    if (existsSync(failed)) throw new Error(readFileSync(failed, 'utf8'));
    if (Date.now() > deadline) throw new Error(`the clean run of ${scenario} was not recorded within ${WAIT_FOR_SIBLING_MS / 1000} s by the file that claimed it`);
    sleepSync(200);
  }
  return JSON.parse(readFileSync(recorded, 'utf8')) as CleanRun;
}

/** Exclusive create: true for exactly one caller per path. */
function claim(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function recordInChild(scenario: ScenarioName, dir: string): CleanRun {
  const output = join(dir, `clean-run-${scenario}.${process.pid}.json`);
  // The recorder as compiled for this jest run (test/emulator/compiled-cli.ts), else through tsx.
  const compiled = compiledModule('test/statemachine/record-clean-run.ts');
  const command = compiled ? [compiled] : [TSX_CLI, RECORDER];
  const child = spawnSync(process.execPath, [...command, scenario, output], { env: { ...process.env, ...compiledProcessEnv() }, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.status !== 0) throw new Error(`recording the clean run of ${scenario} failed (exit ${child.status}): ${child.stderr}`);
  const recorded = JSON.parse(readFileSync(output, 'utf8')) as CleanRun;
  rmSync(output, { force: true });
  return recorded;
}

/** Which share of the mutating calls a file takes: index % of === part, so neighbours land in different files. */
export interface Share {
  readonly part: number;
  readonly of: number;
}

const label = (call: MutatingCall) => `${call.service}:${call.action}#${call.nth}`;

/**
 * One scenario's fault suite, one test per mutating call of its clean run (this file's share of them): (a) a
 * throttling error once on that call, (b) a non-retryable error on it, each in a fresh account. `only` narrows
 * the share to the calls a scenario is about (the others are covered by another scenario's suite).
 */
export function describeFaultSuite(scenarioName: ScenarioName, share: Share = { part: 0, of: 1 }, only?: (call: MutatingCall) => boolean): void {
  const scenario = SCENARIOS[scenarioName];
  // GIVEN the mutating calls of a clean run of the scenario, recorded for this file
  const clean = recordCleanRun(scenarioName);
  const shared = clean.mutating.filter((_, index) => index % share.of === share.part);
  const mine = only ? shared.filter(only) : shared;

  describe(`fault suite: ${scenario.name} (mutating calls ${share.part + 1}, ${share.part + 1 + share.of}, ... of ${clean.mutating.length})`, () => {
    it(`takes its share of a clean run that makes at least 10 mutating calls, ${scenario.after ? scenario.after.actions.join(', ') : 'the probe function, the policy and the switch'} among them`, () => {
      expect(clean.mutating.length).toBeGreaterThanOrEqual(10);
      // EnsureProbeFunction, AttachVpcAccessPolicy (in the Parallel), AttachFunction (after the probe), DetachVpcAccessPolicy
      const actions = scenario.after?.actions ?? ['CreateFunction', 'AttachRolePolicy', 'UpdateFunctionConfiguration', 'DetachRolePolicy'];
      expect(clean.mutating.map((call) => call.action)).toEqual(expect.arrayContaining([...actions]));
      expect(shared.length).toBe(Math.ceil((clean.mutating.length - share.part) / share.of));
      expect(mine.length).toBeGreaterThan(0);
    });

    it.each(mine.map((call) => [label(call), call] as const))(
      scenario.after
        ? 'survives a throttling error on %s, and after a non-retryable error on it fails naming it, deleting nothing that is not the network\'s'
        : 'survives a throttling error on %s without duplicates, and rolls back completely after a non-retryable error on it',
      async (_label, call) => {
        // WHEN the call is (a) throttled once, (b) failed for good, each in a fresh account
        const throttled = await throttledOnce(scenario, call, clean.inventory);
        const failed = await failedFor(scenario, call);
        // THEN (a) succeeded with the clean run's resources, (b) failed with that error and left nothing behind
        expect([throttled, failed]).toEqual([undefined, undefined]);
      },
      5 * 60_000,
    );
  });
}
