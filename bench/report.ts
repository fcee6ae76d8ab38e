import type { ApiEconomy } from './api-economy';
import type { LifecycleBench, TeardownTimeLevel } from './lifecycle';
import type { CallSummary } from './call-log';
import type { CriticalPath, CriticalPathLevel } from './critical-path';
import type { DeployedTaskConfig } from './deployed-config';
import type { DemoWallTime } from './demo-wall-time';
import type { Footprint } from './footprint';
import type { Concurrency } from './concurrency';
import type { Scale } from './scale';
import type { StepFunctionsCost } from './step-functions-cost';
import { kib, seconds, usd, type Row } from './table';

/** Issue 13's goals, typical profile: ours / guide's order, ours / lower bound. */
const RATIO_TARGET = 0.55;
const LOWER_BOUND_RATIO_TARGET = 1.1;
/** Issue 13: a task's import (cold start) over a bare import of the SDK clients it uses. */
const IMPORT_RATIO_TARGET = 1.3;
export const RUN_TIME_TARGET_MS = 5 * 60 * 1000;

const calls = (summary: CallSummary): string => `${summary.mutating} mutating + ${summary.read} read + ${summary.invoke} invoke = ${summary.total}`;
const top = (counts: Record<string, number>, n = 4): string =>
  Object.entries(counts)
    .slice(0, n)
    .map(([action, count]) => `${action.split(':')[1]} ${count}`)
    .join(', ');

export function apiEconomyRows(economy: ApiEconomy): Row[] {
  const section = '1. API economy (calls per provision, create mode, 2 AZs, NAT per AZ; fault-proxy call log)';
  const repeatedMutations = Object.entries(economy.repeated.mutatingByTask).map(([task, actions]) => `${task}: ${actions.join(', ')}`);
  return [
    { section, figure: 'fresh provision, IPv6 off', value: calls(economy.freshIpv4) },
    { section, figure: '  most frequent mutating', value: top(economy.freshIpv4.byAction.mutating) },
    { section, figure: '  most frequent read', value: top(economy.freshIpv4.byAction.read) },
    { section, figure: 'fresh provision, IPv6 on', value: calls(economy.freshIpv6) },
    {
      section,
      figure: 'repeated provision, same request: mutating',
      value: `${economy.repeated.mutating}${repeatedMutations.length ? ` (${repeatedMutations.join('; ')})` : ''}`,
      target: '0',
      met: economy.repeated.mutating === 0,
    },
    { section, figure: 'repeated provision, same request: all', value: calls(economy.repeated) },
    { section, figure: `rollback (probe fails -> ${economy.rollback.error ?? '?'}): Rollback task`, value: calls(economy.rollback.rollbackTask) },
    { section, figure: 'rollback: whole execution', value: calls(economy.rollback.execution) },
  ];
}

export function costRows(cost: StepFunctionsCost): Row[] {
  const section = `2. Step Functions and Lambda cost (Standard workflow $0.025/1k transitions; Lambda ${cost.lambda.architecture} ${cost.lambda.memoryMb} MB; us-east-1 list prices)`;
  return [
    { section, figure: 'state transitions, happy path (local runner events)', value: String(cost.happyPathTransitions) },
    { section, figure: `transitions per NAT-wait iteration (${cost.natWait.polls} pending polls)`, value: String(cost.natWait.transitionsPerIteration) },
    { section, figure: `transitions per function-wait iteration (${cost.functionWait.polls} polls)`, value: String(cost.functionWait.transitionsPerIteration) },
    { section, figure: 'Step Functions price, happy path as run locally', value: usd(cost.happyPathPriceUsd) },
    { section, figure: 'Step Functions, typical on AWS (simulated loops + retries)', value: `${cost.typicalOnAws.transitions} transitions = ${usd(cost.typicalOnAws.priceUsd)}` },
    {
      section,
      figure: 'Lambda, measured handler durations on the emulator',
      value: `${cost.lambda.measured.invocations} invocations, ${cost.lambda.measured.gbSeconds.toFixed(3)} GB-s = ${usd(cost.lambda.measured.priceUsd)}`,
    },
    {
      section,
      figure: 'Lambda, typical on AWS (simulated durations)',
      value: `${cost.lambda.typicalOnAws.invocations} invocations, ${cost.lambda.typicalOnAws.gbSeconds.toFixed(2)} GB-s = ${usd(cost.lambda.typicalOnAws.priceUsd)}`,
    },
    { section, figure: 'total per provision, typical on AWS', value: usd(cost.typicalTotalUsd) },
  ];
}

export function criticalPathRows(path: CriticalPath): Row[] {
  const section = "3. Critical path on AWS, simulated (bench/latency-profile.json): our definition vs the guide's order and the lower bound (bench/README.md)";
  const loops = (summary: CriticalPathLevel['ours']) => `${summary.natWaitLoops} / ${summary.probeWaitLoops} / ${summary.functionWaitLoops}`;
  const gap = (value: number | undefined) => (value === undefined ? 'n/a (the function was not updated)' : `${value.toFixed(1)} s`);
  return path.levels.flatMap((level) => {
    const typical = level.level === 'typical';
    return [
      {
        section,
        figure: `${level.level}: ours / guide order`,
        value: `${seconds(level.oursSeconds * 1000)} / ${seconds(level.guideSeconds * 1000)} = ${level.ratio.toFixed(2)}`,
        ...(typical ? { target: `<= ${RATIO_TARGET}`, met: level.ratio <= RATIO_TARGET && level.ours.exhausted.length === 0 } : {}),
      },
      {
        section,
        figure: `${level.level}: ours / lower bound`,
        value: `${seconds(level.oursSeconds * 1000)} / ${seconds(level.lowerBoundSeconds * 1000)} = ${level.ratioToLowerBound.toFixed(2)}`,
        ...(typical ? { target: `<= ${LOWER_BOUND_RATIO_TARGET}`, met: level.ratioToLowerBound <= LOWER_BOUND_RATIO_TARGET } : {}),
      },
      { section, figure: `${level.level}: egress gap (s)`, value: gap(level.egressGapSeconds), target: '0 s', met: level.egressGapSeconds === 0 },
      {
        section,
        figure: `${level.level}: NAT / probe / function wait loops, retries`,
        value: `${loops(level.ours)}, ${Object.entries(level.ours.retries).map(([task, count]) => `${task} ${count}`).join(', ') || 'none'}${level.ours.exhausted.length ? `; EXHAUSTED: ${level.ours.exhausted.join(', ')}` : ''}`,
      },
      {
        section,
        figure: `${level.level}: where the time goes (s)`,
        value: `ours ${level.oursBreakdown.beforeParallel.toFixed(1)} + Parallel ${level.oursBreakdown.parallel.toFixed(1)} (branches ${level.oursBreakdown.branches.map((branch) => branch.toFixed(1)).join(' | ')}) + ${level.oursBreakdown.afterParallel.toFixed(1)}; guide: network ${level.guidePhases.network.toFixed(1)} + function ${level.guidePhases.function.toFixed(1)} + test ${level.guidePhases.test.toFixed(1)}; lower bound ${level.lowerBound.terms.map((term) => (term.ms / 1000).toFixed(1)).join(' + ')}`,
      },
    ];
  });
}

export function footprintRows(footprint: Footprint, demo: DemoWallTime, config: DeployedTaskConfig): Row[] {
  const { bundling } = config;
  const sdk = bundling.bundleAwsSdk ? 'SDK bundled' : "SDK external (the runtime's; imported from node_modules here)";
  const section = `4. Footprint (esbuild as the stack bundles: ${bundling.target} ${bundling.format}${bundling.minify ? ', minified' : ''}${bundling.sourcemap ? ', source maps' : ''}, ${sdk})`;
  const baselineOf = (clients: readonly string[]) => footprint.baselines.find((baseline) => baseline.sdkClients.join() === clients.join());
  const rows: Row[] = footprint.tasks.map((task) => {
    const baseline = baselineOf(task.sdkClients);
    const clients = task.sdkClients.map((client) => client.replace('@aws-sdk/client-', '')).join('+') || 'no SDK client';
    const ratio = task.importRatio === undefined || !baseline ? `; ${clients}` : `; ${task.importRatio.toFixed(2)} x a bare import of ${clients} (${baseline.importMs.toFixed(0)} ms)`;
    return {
      section,
      figure: `${task.task}: bundle; import in a fresh node (median of ${footprint.rounds}); / its SDK clients alone`,
      value: `${kib(task.bundleBytes)} (+${kib(task.sourceMapBytes)} map; ${kib(task.otherSdkChoiceBytes)} with SDK ${bundling.bundleAwsSdk ? 'external' : 'bundled'}); ${task.importMs.toFixed(0)} ms${ratio}`,
      ...(task.importRatio === undefined ? {} : { target: `<= ${IMPORT_RATIO_TARGET}`, met: task.importRatio <= IMPORT_RATIO_TARGET }),
    };
  });
  const contributors = new Map<string, number>();
  for (const task of footprint.tasks) for (const entry of task.largest) contributors.set(entry.name, Math.max(contributors.get(entry.name) ?? 0, entry.bytes));
  rows.push({
    section,
    figure: 'largest packages inside the bundles (max over tasks)',
    value: [...contributors].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', '),
  });
  rows.push({
    section,
    figure: '`npm run demo` wall time, emulator start included',
    value: `${seconds(demo.wallMs)} (exit ${demo.exitCode})`,
    target: 'exit 0',
    met: demo.exitCode === 0,
  });
  return rows;
}

export function scaleRows(scale: Scale): Row[] {
  const section = '5. Scale: different functions onto one shared network, one local run';
  const rows: Row[] = scale.checkpoints.flatMap((point) => [
    { section, figure: `${point.functions} functions: VPCs created`, value: String(point.vpcsCreated), target: '1', met: point.vpcsCreated === 1 },
    { section, figure: `${point.functions} functions: NAT gateways created`, value: String(point.natGatewaysCreated), target: `${scale.azs} (AZs)`, met: point.natGatewaysCreated === scale.azs },
    {
      section,
      figure: `${point.functions} functions: calls, transitions, local time`,
      value: `${point.calls} calls (${point.mutatingCalls} mutating), ${point.stateTransitions} transitions, ${seconds(point.wallSeconds * 1000)}; last provision ${point.lastProvision.calls} calls (${point.lastProvision.mutatingCalls} mutating), ${seconds(point.lastProvision.wallMs, 2)}`,
    },
  ]);
  const last = scale.checkpoints.at(-1)?.lastProvision;
  if (last) {
    const actions = Object.entries(last.mutatingByTask).map(([task, list]) => `${task}: ${list.map((key) => key.split(':')[1]).join(', ')}`);
    rows.push({ section, figure: 'mutating calls of a provision onto the existing network', value: actions.join('; ') || 'none' });
  }
  rows.push({ section, figure: 'described at the end: VPCs / available NATs with the tag', value: `${scale.described.vpcs} / ${scale.described.natGateways}`, target: `1 / ${scale.azs}`, met: scale.described.vpcs === 1 && scale.described.natGateways === scale.azs });
  return rows;
}

export function concurrencyRows(concurrency: Concurrency): Row[] {
  const section = `6. Concurrency: ${concurrency.concurrent.provisions} provisions at once onto one new network vs 1 (lock wait ${concurrency.lockWaitMs} ms locally)`;
  const { single, concurrent, azs } = concurrency;
  return [
    { section, figure: 'VPCs created (1 / N at once)', value: `${single.vpcsCreated} / ${concurrent.vpcsCreated}`, target: '1 / 1', met: single.vpcsCreated === 1 && concurrent.vpcsCreated === 1 },
    {
      section,
      figure: 'NAT gateways created (1 / N at once)',
      value: `${single.natGatewaysCreated} / ${concurrent.natGatewaysCreated}`,
      target: `${azs} / ${azs} (AZs)`,
      met: single.natGatewaysCreated === azs && concurrent.natGatewaysCreated === azs,
    },
    { section, figure: 'wall time (1 / N at once), ratio', value: `${seconds(single.wallMs, 2)} / ${seconds(concurrent.wallMs, 2)}, ${concurrency.wallTimeRatio.toFixed(2)}x` },
    {
      section,
      figure: 'lock waits (per execution) and the transitions they cost, of all transitions',
      value: `${concurrent.lockWaits} (${concurrent.lockWaitsPerExecution.join(', ')}), ${concurrent.lockWaitTransitions} of ${concurrent.stateTransitions} transitions`,
    },
  ];
}

export function lifecycleRows(lifecycle: LifecycleBench): Row[] {
  const section = '7. Lifecycle: release and teardown of the provisioned network (create mode, 2 AZs)';
  const typical = lifecycle.teardownTime.find((level) => level.level === 'typical');
  const byLevel = (format: (level: TeardownTimeLevel) => string) => lifecycle.teardownTime.map(format).join(' / ');
  return [
    { section, figure: 'AWS calls, release (mutating + read)', value: `${lifecycle.release.mutating} + ${lifecycle.release.read}` },
    {
      section,
      figure: `AWS calls, teardown in ${lifecycle.teardown.passes} passes (a Lambda ENI in-use at the first two), mutating + read; mutating per pass`,
      value: `${lifecycle.teardown.mutating} + ${lifecycle.teardown.read}; ${lifecycle.teardown.mutatingPerPass.join(', ')}`,
    },
    {
      section,
      figure: 'simulated teardown time vs the Lambda ENI release time (low / typical / high)',
      value: byLevel((level) => `${seconds(level.teardownSeconds * 1000)} vs ${seconds(level.eniReleaseSeconds * 1000, 0)} = ${level.ratio.toFixed(3)}${level.exhausted ? ' (passes ran out: TeardownTimeout)' : ''}`),
      target: 'typical ≤ 1.1',
      met: typical !== undefined && typical.ratio <= 1.1 && !typical.exhausted,
    },
    { section, figure: 'before the ENI clock starts / after the ENIs are released (low / typical / high)', value: byLevel((level) => `${seconds(level.beforeClockSeconds * 1000)} / ${seconds(level.afterReleaseSeconds * 1000)}`) },
    {
      section,
      figure: 'TeardownNetwork passes, and mutating calls on AWS (every pass between the first and the last as the traced waiting one) (low / typical / high)',
      value: byLevel((level) => `${level.passes}: ${projectedMutating(lifecycle, level.passes)}`),
    },
  ];
}

/**
 * The teardown's mutating calls over `passes` passes: its traced first pass, a traced pass that only waited for
 * every pass up to the last (an earlier pass's deletes are not repeated), then its traced last pass.
 */
function projectedMutating(lifecycle: LifecycleBench, passes: number): number {
  const { mutating, mutatingPerPass } = lifecycle.teardown;
  const outsidePasses = mutating - mutatingPerPass.reduce((sum, count) => sum + count, 0);
  const [first = 0, waiting = 0] = mutatingPerPass;
  return outsidePasses + first + Math.max(0, passes - 2) * waiting + (mutatingPerPass.at(-1) ?? 0);
}
