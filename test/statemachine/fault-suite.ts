import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CloudWatchClient, ListTagsForResourceCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { DescribeRouteTablesCommand, EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { ListFunctionsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NAT_ALARM_PREFIX } from '../../functions/shared/nat-alarms';
import { allPages } from '../../functions/shared/paginate';
import { createdBy, isManaged, PROBE_FUNCTION_PREFIX } from '../../functions/shared/tags';
import type { CallRecord } from '../../local/fault-rules';
import { emulator, mutatingCalls } from '../../local/emulator-control';
import { liveResources, resourcesTaggedWith } from '../rollback/tagged-network';
import { functionSnapshot, passingProbe, provision, queueProbeAnswers } from './harness';
import { SCENARIOS, type ScenarioName } from './scenarios';

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const cloudwatch = new CloudWatchClient({});

/** A fresh account prepared as the scenario needs (function, existing VPC, ...), and the request to run. */
export interface Scenario {
  readonly name: string;
  prepare(): Promise<{ request: unknown; functionName: string; roleName: string }>;
}

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
  monitoring: { code: 'Throttling', status: 400 },
};
const NON_RETRYABLE: Record<string, { code: string; status: number; name: string }> = {
  ec2: { code: 'UnauthorizedOperation', status: 403, name: 'UnauthorizedOperation' },
  lambda: { code: 'AccessDeniedException', status: 403, name: 'AccessDeniedException' },
  iam: { code: 'AccessDenied', status: 403, name: 'AccessDenied' },
  monitoring: { code: 'AccessDenied', status: 403, name: 'AccessDenied' },
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
  inventory.natAlarms = (await natAlarmTags()).length;
  return inventory;
}

/** The tags of every lambda-egress NAT alarm of the account (network.alarms). */
async function natAlarmTags(): Promise<Array<Tag[] | undefined>> {
  const alarms = await allPages(paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: NAT_ALARM_PREFIX }), (page) => page.MetricAlarms);
  return Promise.all(alarms.map(async (alarm) => (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))).Tags));
}

/** The clean run: which mutating calls the workflow makes, and what it leaves behind. */
export async function cleanRun(scenario: Scenario): Promise<CleanRun> {
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

/** (b) a non-retryable error on this call: the execution fails with it, and rollback leaves nothing of its own. */
export async function failedFor(scenario: Scenario, call: MutatingCall): Promise<string | undefined> {
  const { request, functionName, roleName } = await scenario.prepare();
  const before = await functionSnapshot(functionName, roleName);
  await queueProbeAnswers(passingProbe(), passingProbe());
  const fault = NON_RETRYABLE[call.service];
  if (!fault) return `no non-retryable error known for ${call.service}`;
  await emulator.inject({ service: call.service, action: call.action, nth: call.nth, fault: { type: 'error', code: fault.code, status: fault.status } });
  const run = await provision(request);
  const label = `failing ${call.action}#${call.nth}`;
  if (run.status !== 'FAILED' || run.error !== fault.name) return `${label}: expected FAILED ${fault.name}, got ${run.status} ${run.error} ${run.cause?.slice(0, 300)}`;
  const left = await resourcesTaggedWith(ec2, run.executionArn);
  if (left.length > 0) return `${label}: left behind ${left.join(', ')}`;
  const after = await functionSnapshot(functionName, roleName);
  if (JSON.stringify(after) !== JSON.stringify(before)) return `${label}: function/role ${JSON.stringify(after)} != original ${JSON.stringify(before)}`;
  const probes = (await lambda.send(new ListFunctionsCommand({}))).Functions?.filter((fn) => fn.FunctionName?.startsWith(PROBE_FUNCTION_PREFIX)) ?? [];
  if (probes.length > 0) return `${label}: probe function left behind`;
  const alarms = (await natAlarmTags()).filter((tags) => createdBy(tags, run.executionArn));
  if (alarms.length > 0) return `${label}: ${alarms.length} NAT alarm(s) left behind`;
  return undefined;
}

/** A clean run's record: the mutating calls, in order, and the managed resources it left. */
export interface CleanRun {
  readonly mutating: MutatingCall[];
  readonly inventory: Record<string, number>;
}

const TSX_CLI = require.resolve('tsx/cli');
const RECORDER = join(__dirname, 'record-clean-run.ts');

/**
 * The clean run of a scenario, recorded now, while jest collects this file: `it.each` needs its table before
 * any hook runs, so a beforeAll is too late, and collection cannot wait for a promise. The recorder
 * (record-clean-run.ts) is this same cleanRun in a child process, against the same moto server.
 */
export function recordCleanRun(scenario: ScenarioName): CleanRun {
  const output = join(mkdtempSync(join(tmpdir(), 'lambda-egress-clean-run-')), 'clean-run.json');
  const child = spawnSync(process.execPath, [TSX_CLI, RECORDER, scenario, output], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.status !== 0) throw new Error(`recording the clean run of ${scenario} failed (exit ${child.status}): ${child.stderr}`);
  const recorded = JSON.parse(readFileSync(output, 'utf8')) as CleanRun;
  rmSync(dirname(output), { recursive: true, force: true });
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
 * throttling error once on that call, (b) a non-retryable error on it, each in a fresh account.
 */
export function describeFaultSuite(scenarioName: ScenarioName, share: Share = { part: 0, of: 1 }): void {
  const scenario = SCENARIOS[scenarioName];
  // GIVEN the mutating calls of a clean run of the scenario, recorded for this file
  const clean = recordCleanRun(scenarioName);
  const mine = clean.mutating.filter((_, index) => index % share.of === share.part);

  describe(`fault suite: ${scenario.name} (mutating calls ${share.part + 1}, ${share.part + 1 + share.of}, ... of ${clean.mutating.length})`, () => {
    it('takes its share of a clean run that makes at least 10 mutating calls', () => {
      expect(clean.mutating.length).toBeGreaterThanOrEqual(10);
      expect(mine.length).toBe(Math.ceil((clean.mutating.length - share.part) / share.of));
    });

    it.each(mine.map((call) => [label(call), call] as const))(
      'survives a throttling error on %s without duplicates, and rolls back completely after a non-retryable error on it',
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
