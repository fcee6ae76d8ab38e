import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readDefinitionText, type AslDefinition } from '../statemachine/definition';
import { measureApiEconomy } from './api-economy';
import { cpuSeconds } from './cpu-time';
import { criticalPath } from './critical-path';
import { measureDemo } from './demo-wall-time';
import { deployedTaskConfig } from './deployed-config';
import { startIsolatedEmulator, type IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { measureFootprint } from './footprint';
import { measureLifecycle } from './lifecycle';
import { measurePreflight, preflightRows } from './preflight';
import { measureRealism, realismRows } from './realism';
import { readLatencyProfile, LATENCY_PROFILE_PATH } from './latency-profile';
import { apiEconomyRows, concurrencyRows, costRows, criticalPathRows, footprintRows, lifecycleRows, RUN_TIME_TARGET_MS, scaleRows } from './report';
import { measureScale } from './scale';
import { measureConcurrency } from './concurrency';
import { measureJoins } from './joins';
import { joinsRows } from './joins-report';
import { measureStepFunctionsCost } from './step-functions-cost';
import { formatTable, seconds, type Row } from './table';

/**
 * `npm run bench`: every figure of issue 8 in one run, printed as a table with its target and written to
 * bench/results.json. Everything it starts (moto, the demo's process group) it stops, also on failure.
 */
const RESULTS_PATH = join(__dirname, 'results.json');
const WAIT_LOOP_POLLS = 3;
const SCALE_FUNCTIONS = 20;
const SCALE_CHECKPOINTS = [1, 5, 20];
const CONCURRENT_PROVISIONS = 5;
/** The lock wait of the concurrency runs: short, as the emulator builds at once (the deployed Wait is 15 s). */
const CONCURRENCY_LOCK_WAIT_MS = 200;
/** Import timings take extra rounds only while they fit before this point of the run (the budget is 5 min). */
const FOOTPRINT_DEADLINE_MS = 240_000;

/**
 * `npm run bench -- --concurrency`: section 6 alone, merged into the bench/results.json of the last full run
 * (its rows replaced, the rest kept), for a short run after a change to the lock.
 */
async function concurrencyOnly(): Promise<void> {
  const environment = await startIsolatedEmulator();
  let concurrency;
  try {
    concurrency = await measureConcurrency(environment, CONCURRENT_PROVISIONS, CONCURRENCY_LOCK_WAIT_MS);
  } finally {
    await environment.stop();
  }
  mergeSection('6. ', { concurrency }, concurrencyRows(concurrency));
}

/** `npm run bench -- --lifecycle`: section 7 alone, merged the same way (with its own run's machine load). */
async function lifecycleOnly(): Promise<void> {
  const loadAtStart = loadavg();
  const environment = await startIsolatedEmulator();
  let lifecycle;
  try {
    lifecycle = await measureLifecycle(environment, readLatencyProfile());
  } finally {
    await environment.stop();
  }
  const run = { generatedAt: new Date().toISOString(), loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() };
  mergeSection('7. ', { lifecycle: { ...lifecycle, run } }, lifecycleRows(lifecycle));
}

/** `npm run bench -- --preflight`: section 8 alone (bench/preflight.ts), merged the same way. */
async function preflightOnly(): Promise<void> {
  const environment = await startIsolatedEmulator();
  let preflight;
  try {
    preflight = await measurePreflight(environment);
  } finally {
    await environment.stop();
  }
  mergeSection('8. ', { preflight }, preflightRows(preflight));
}

/** One section's rows replace its old ones in the last full run's bench/results.json; the rest is kept. */
function mergeSection(prefix: string, figures: Record<string, unknown>, rows: Row[]): void {
  process.stdout.write(`${formatTable(rows)}\n`);
  const previous = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as { table?: Row[] } & Record<string, unknown>;
  const table = [...(previous.table ?? []).filter((row) => !row.section.startsWith(prefix)), ...rows];
  writeFileSync(RESULTS_PATH, `${JSON.stringify({ ...previous, ...figures, table }, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value), 2)}\n`);
  process.stdout.write(`Section ${prefix.trim()} written to bench/results.json.\n`);
}

/** Section 10: how many joins of one ready network start at once, round by round. */
const JOIN_COUNTS = [1, 5, 50];

/** `npm run bench -- --joins`: section 10 alone (bench/joins.ts), merged the same way. */
async function joinsOnly(): Promise<void> {
  const environment = await startIsolatedEmulator();
  let joins;
  try {
    joins = await measureJoins(environment, JSON.parse(readDefinitionText()) as AslDefinition, readLatencyProfile(), JOIN_COUNTS, CONCURRENCY_LOCK_WAIT_MS);
  } finally {
    await environment.stop();
  }
  mergeSection('10. ', { joins }, joinsRows(joins));
}

/** `npm run bench -- --api-economy`: section 1 alone (bench/api-economy.ts), merged the same way. */
async function apiEconomyOnly(): Promise<void> {
  const environment = await startIsolatedEmulator();
  let economy;
  try {
    economy = (await measureApiEconomy(environment)).economy;
  } finally {
    await environment.stop();
  }
  mergeSection('1. ', { apiEconomy: economy }, apiEconomyRows(economy));
}

/**
 * `npm run bench -- --critical-path`: section 3 alone (the traced fresh provision of section 1, simulated), merged
 * the same way: after a change to the provision's definition, its figures without the whole bench.
 */
async function criticalPathOnly(): Promise<void> {
  const environment = await startIsolatedEmulator();
  let path;
  try {
    const { freshIpv4Run } = await measureApiEconomy(environment);
    path = criticalPath(JSON.parse(readDefinitionText()) as AslDefinition, freshIpv4Run.run.events, freshIpv4Run.invocations, readLatencyProfile());
  } finally {
    await environment.stop();
  }
  mergeSection('3. ', { criticalPath: path.levels }, criticalPathRows(path));
}

/** Seeds of section 9's provisions under the realism profile. */
const REALISM_SEEDS = [7, 2026];

/** `npm run bench -- --realism`: section 9 alone, merged the same way. */
async function realismOnly(): Promise<void> {
  const environment = await startIsolatedEmulator();
  let realism;
  try {
    realism = await measureRealism(environment, REALISM_SEEDS);
  } finally {
    await environment.stop();
  }
  mergeSection('9. ', { realism }, realismRows(realism));
}

async function main(): Promise<void> {
  if (process.argv.includes('--concurrency')) return concurrencyOnly();
  if (process.argv.includes('--realism')) return realismOnly();
  if (process.argv.includes('--lifecycle')) return lifecycleOnly();
  if (process.argv.includes('--preflight')) return preflightOnly();
  if (process.argv.includes('--joins')) return joinsOnly();
  if (process.argv.includes('--api-economy')) return apiEconomyOnly();
  if (process.argv.includes('--critical-path')) return criticalPathOnly();
  const originalEnv = { ...process.env };
  const started = performance.now();
  const loadAtStart = loadavg();
  const config = deployedTaskConfig();
  const profile = readLatencyProfile();
  const definition = JSON.parse(readDefinitionText()) as AslDefinition;
  const say = (line: string) => process.stderr.write(`[bench ${seconds(performance.now() - started, 0)}] ${line}\n`);

  // First, alone: the demo starts its own emulator, as a user's `npm run demo` does.
  say('npm run demo ...');
  const demo = await measureDemo(originalEnv);

  let environment: IsolatedEmulator | undefined;
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void (environment?.stop() ?? Promise.resolve()).finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let measured;
  try {
    environment = await startIsolatedEmulator();
    say(`1. API economy (moto pid ${environment.motoPid}) ...`);
    const { economy, freshIpv4Run } = await measureApiEconomy(environment);
    say('3. critical path (simulation of the traced fresh provision) ...');
    const path = criticalPath(definition, freshIpv4Run.run.events, freshIpv4Run.invocations, profile);
    say('2. Step Functions cost (wait loops measured with injected "pending" answers) ...');
    const cost = await measureStepFunctionsCost(environment, freshIpv4Run, path.results.typical.ours, config, WAIT_LOOP_POLLS);
    say(`5. scale: ${SCALE_FUNCTIONS} functions onto one network ...`);
    const scale = await measureScale(environment, SCALE_FUNCTIONS, SCALE_CHECKPOINTS);
    say(`6. concurrency: ${CONCURRENT_PROVISIONS} provisions at once onto one new network vs 1 ...`);
    const concurrency = await measureConcurrency(environment, CONCURRENT_PROVISIONS, CONCURRENCY_LOCK_WAIT_MS);
    say('7. lifecycle: release, then teardown with a lingering Lambda ENI ...');
    const lifecycle = await measureLifecycle(environment, profile);
    say('8. preflight: its reads per provision, and a refused request with and without it ...');
    const preflight = await measurePreflight(environment);
    say('9. a provision as AWS behaves (realism profile) beside plain moto ...');
    const realism = await measureRealism(environment, REALISM_SEEDS);
    say(`10. joins: ${JOIN_COUNTS.join(', ')} joins of one ready network at once ...`);
    const joins = await measureJoins(environment, definition, profile, JOIN_COUNTS, CONCURRENCY_LOCK_WAIT_MS);
    measured = { economy, path, cost, scale, concurrency, lifecycle, preflight, realism, joins };
  } finally {
    await environment?.stop();
    say(`moto pid ${environment?.motoPid ?? '-'} stopped`);
  }

  // After the emulator is gone: the fresh processes are timed on an otherwise idle benchmark.
  say('4. footprint: bundling every task and timing its import in fresh processes ...');
  const footprint = await measureFootprint(config, { maxRuns: 3, deadline: started + FOOTPRINT_DEADLINE_MS });

  const runMs = performance.now() - started;
  const cpu = cpuSeconds();
  const rows: Row[] = [
    ...apiEconomyRows(measured.economy),
    ...costRows(measured.cost),
    ...criticalPathRows(measured.path),
    ...footprintRows(footprint, demo, config),
    ...scaleRows(measured.scale),
    ...concurrencyRows(measured.concurrency),
    ...lifecycleRows(measured.lifecycle),
    ...preflightRows(measured.preflight),
    ...realismRows(measured.realism),
    ...joinsRows(measured.joins),
    { section: 'Benchmark', figure: '`npm run bench` run time', value: seconds(runMs), target: `< ${seconds(RUN_TIME_TARGET_MS, 0)}`, met: runMs < RUN_TIME_TARGET_MS },
    {
      section: 'Benchmark',
      figure: 'CPU time used (the bench; its children: moto, demo, node)',
      value: `${cpu.own.toFixed(0)} s; ${cpu.children === undefined ? 'unknown' : `${cpu.children.toFixed(0)} s`} (load average ${loadAtStart[0]?.toFixed(1)} at start on ${cpus().length} CPUs)`,
    },
  ];
  process.stdout.write(`${formatTable(rows)}\n`);
  process.stdout.write(`\nDeployed configuration read from the stack: ${config.provenance.join('; ')}.\n`);
  process.stdout.write(`Machine: ${cpus().length} CPUs, load average ${loadAtStart.map((load) => load.toFixed(1)).join(' ')} at start, ${loadavg().map((load) => load.toFixed(1)).join(' ')} at end.\n`);

  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
    runSeconds: runMs / 1000,
    cpuSeconds: cpu,
    deployedConfig: config,
    latencyProfile: LATENCY_PROFILE_PATH.slice(LATENCY_PROFILE_PATH.indexOf('bench')),
    apiEconomy: measured.economy,
    stepFunctionsCost: measured.cost,
    criticalPath: measured.path.levels,
    footprint: { ...footprint, demo },
    scale: measured.scale,
    concurrency: measured.concurrency,
    lifecycle: measured.lifecycle,
    preflight: measured.preflight,
    realism: measured.realism,
    joins: measured.joins,
    table: rows,
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value), 2)}\n`);
  process.stdout.write(`Results written to bench/results.json (${seconds(runMs)}).\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
