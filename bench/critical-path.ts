import { allStates, type AslDefinition } from '../statemachine/definition';
import type { EventLog } from '../statemachine/local-runner';
import { LEVELS, levelOf, type LatencyProfileFile, type Level } from './latency-profile';
import { egressGapMs, lowerBound, type LowerBound } from './lower-bound';
import { retryDelay, simulate, type RetryGate, type SimModel, type SimNode, type SimResult } from './simulation';
import { planOfRun, type PollLoop } from './simulation-plan';
import type { TaskInvocation } from './traced-tasks';

/** What the definition does while AWS keeps something pending: its Wait loops, and the Task retries. */
const POLL_LOOPS: readonly PollLoop[] = [
  { waitState: 'WaitForNatGateways', firstWaitState: 'FirstWaitForNatGateways', gate: 'nat-gateway-available' },
  // The probe function is created inside the Parallel (on the target's subnets and group) and polled until Active.
  { waitState: 'WaitForProbeFunction', gate: 'probe-function-active' },
  { waitState: 'WaitForFunctionUpdate', firstWaitState: 'FirstWaitForFunctionUpdate', gate: 'function-vpc-update' },
];

/** The poll loops this definition has (a definition without the probe loop creates the probe in RunProbe). */
export function pollLoopsOf(definition: AslDefinition): PollLoop[] {
  const names = new Set(allStates(definition).map(([name]) => name));
  return POLL_LOOPS.filter((loop) => names.has(loop.waitState));
}

const GATED_RETRIES: ReadonlyArray<{ gate: string; task: string; action: string; when: 'refused' | 'after'; error: string; unlessPollLoop?: string }> = [
  // Lambda refuses the VpcConfig until the role's new policy is visible to it.
  { gate: 'iam-propagation', task: 'AttachFunction', action: 'lambda:UpdateFunctionConfiguration', when: 'refused', error: 'RolePropagationDelay' },
  // Without the probe's poll loop, RunProbe creates the probe, finds it Pending, throws ProbeNotReady and is retried.
  { gate: 'probe-function-active', task: 'RunProbe', action: 'lambda:CreateFunction', when: 'after', error: 'ProbeNotReady', unlessPollLoop: 'WaitForProbeFunction' },
];

/**
 * The AWS guide's order ("How do I give internet access to a Lambda function that's connected to an Amazon
 * VPC?", AWS re:Post knowledge center): build the whole VPC - subnets, internet gateway, NAT gateways (and wait
 * for them), route tables - then put the function in it (and wait), then test. The same tasks, strictly one
 * after another.
 */
const GUIDE_PHASE: Record<string, number> = {
  AttachVpcAccessPolicy: 2,
  AttachFunction: 2,
  CheckFunctionUpdate: 2,
  EnsureProbeFunction: 3,
  CheckProbeFunction: 3,
  RunProbe: 3,
  DetachVpcAccessPolicy: 3,
  ReportResult: 3,
};
const NETWORK_PHASE = 1;

export interface CriticalPathLevel {
  readonly level: Level;
  readonly oursSeconds: number;
  readonly guideSeconds: number;
  /** ours / guide. */
  readonly ratio: number;
  /** The lower bound (bench/lower-bound.ts) and ours / lower bound. */
  readonly lowerBoundSeconds: number;
  readonly lowerBound: LowerBound;
  readonly ratioToLowerBound: number;
  /** Seconds the target sat in its new subnets before the path was ready and proven (0: it moved last). */
  readonly egressGapSeconds: number | undefined;
  readonly ours: SimSummary;
  readonly guide: SimSummary;
  /** Where our time goes: before the Parallel, the Parallel (and each branch), after it; seconds. */
  readonly oursBreakdown: { readonly beforeParallel: number; readonly parallel: number; readonly branches: number[]; readonly afterParallel: number };
  /** The guide's phases (network incl. NAT wait, function incl. its wait, test); seconds. */
  readonly guidePhases: { readonly network: number; readonly function: number; readonly test: number };
}

interface SimSummary {
  readonly natWaitLoops: number;
  readonly probeWaitLoops: number;
  readonly functionWaitLoops: number;
  readonly retries: Record<string, number>;
  readonly transitions: number;
  readonly invocations: number;
  /** Sum of the simulated Lambda durations (what Lambda bills), seconds. */
  readonly lambdaSeconds: number;
  readonly exhausted: string[];
}

export interface CriticalPath {
  readonly levels: CriticalPathLevel[];
  /** The simulated runs, for the cost section. */
  readonly results: Record<Level, { ours: SimResult; guide: SimResult }>;
}

export function criticalPath(definition: AslDefinition, events: readonly EventLog[], invocations: readonly TaskInvocation[], profile: LatencyProfileFile): CriticalPath {
  const ours = planOfRun(definition, events, invocations, pollLoopsOf(definition));
  const guide = guideOrder(ours);
  const levels: CriticalPathLevel[] = [];
  const results = {} as CriticalPath['results'];
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
  for (const level of LEVELS) {
    const model = modelOf(definition, profile, level);
    const simulated = { ours: simulate(ours, model), guide: simulate(guide, model) };
    const bound = lowerBound(levelOf(profile, level));
    results[level] = simulated;
    levels.push({
      level,
      oursSeconds: simulated.ours.totalMs / 1000,
      guideSeconds: simulated.guide.totalMs / 1000,
      ratio: simulated.ours.totalMs / simulated.guide.totalMs,
      lowerBoundSeconds: bound.totalMs / 1000,
      lowerBound: bound,
      ratioToLowerBound: simulated.ours.totalMs / bound.totalMs,
      egressGapSeconds: seconds(egressGapMs(simulated.ours)),
      ours: summary(simulated.ours),
      guide: summary(simulated.guide),
      oursBreakdown: breakdown(simulated.ours),
      guidePhases: phases(simulated.guide),
    });
  }
  return { levels, results };
}

export function modelOf(definition: AslDefinition, profile: LatencyProfileFile, level: Level): SimModel {
  const latency = levelOf(profile, level);
  return {
    callMs: latency.callMs,
    stateTransitionMs: latency.stateTransitionMs,
    invokeOverheadMs: latency.invokeOverheadMs,
    coldStartMs: latency.coldStartMs,
    gates: latency.gates,
    retryGates: GATED_RETRIES.filter((rule) => !rule.unlessPollLoop || !pollLoopsOf(definition).some((loop) => loop.waitState === rule.unlessPollLoop)).map((rule) => retryGateOf(definition, rule)),
  };
}

/** The Retry entry of the task's state that handles `error`, as the simulation's back-off. */
function retryGateOf(definition: AslDefinition, rule: (typeof GATED_RETRIES)[number]): RetryGate {
  const state = allStates(definition).find(([, candidate]) => candidate.Type === 'Task' && String(candidate.Resource) === `\${${rule.task}FunctionArn}`)?.[1];
  const retrier = state?.Retry?.find((entry) => entry.ErrorEquals.includes(rule.error)) as
    | { IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number; JitterStrategy?: string }
    | undefined;
  if (!retrier) throw new Error(`the definition does not retry ${rule.error} on ${rule.task}: the simulation's model of it is out of date`);
  const backoff = {
    intervalSeconds: retrier.IntervalSeconds ?? 1,
    backoffRate: retrier.BackoffRate ?? 2,
    fullJitter: retrier.JitterStrategy === 'FULL',
    ...(retrier.MaxDelaySeconds === undefined ? {} : { maxDelaySeconds: retrier.MaxDelaySeconds }),
  };
  return { gate: rule.gate, task: rule.task, action: rule.action, when: rule.when, maxAttempts: retrier.MaxAttempts ?? 3, retryDelayMs: (attempt) => retryDelay(backoff, attempt) };
}

/** Our steps, flattened (Parallel branches and Map iterations one after another) and ordered by the guide's phases. */
export function guideOrder(plan: readonly SimNode[]): SimNode[] {
  const flat: SimNode[] = [];
  const flatten = (nodes: readonly SimNode[]): void => {
    for (const node of nodes) {
      if (node.kind === 'parallel' || node.kind === 'map') {
        flat.push({ kind: 'state', name: node.name });
        (node.kind === 'parallel' ? node.branches : node.iterations).forEach(flatten);
      } else {
        flat.push(node);
      }
    }
  };
  flatten(plan);
  const phases = new Map<number, SimNode[]>();
  let phase = NETWORK_PHASE;
  for (const node of flat) {
    const task = node.kind === 'task' ? node.task : node.kind === 'poll' ? node.check.task : undefined;
    // Pass/Choice/Wait states go with the task before them.
    if (task) phase = GUIDE_PHASE[task] ?? NETWORK_PHASE;
    phases.set(phase, [...(phases.get(phase) ?? []), node]);
  }
  return [...phases.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, nodes]) => nodes);
}

function breakdown(result: SimResult): CriticalPathLevel['oursBreakdown'] {
  const parallel = result.spans.find((span) => span.laneEndsMs !== undefined);
  if (!parallel) return { beforeParallel: result.totalMs / 1000, parallel: 0, branches: [], afterParallel: 0 };
  return {
    beforeParallel: parallel.startMs / 1000,
    parallel: (parallel.endMs - parallel.startMs) / 1000,
    branches: (parallel.laneEndsMs ?? []).map((end) => (end - parallel.startMs) / 1000),
    afterParallel: (result.totalMs - parallel.endMs) / 1000,
  };
}

function phases(result: SimResult): CriticalPathLevel['guidePhases'] {
  const totals = new Map<number, number>();
  let phase = NETWORK_PHASE;
  for (const span of result.spans) {
    // As in guideOrder: a Pass/Choice/Wait belongs to the phase of the task before it.
    if (span.task) phase = GUIDE_PHASE[span.task] ?? NETWORK_PHASE;
    totals.set(phase, (totals.get(phase) ?? 0) + (span.endMs - span.startMs) / 1000);
  }
  return { network: totals.get(1) ?? 0, function: totals.get(2) ?? 0, test: totals.get(3) ?? 0 };
}

function summary(result: SimResult): SimSummary {
  return {
    natWaitLoops: result.pollIterations['nat-gateway-available'] ?? 0,
    probeWaitLoops: result.pollIterations['probe-function-active'] ?? 0,
    functionWaitLoops: result.pollIterations['function-vpc-update'] ?? 0,
    retries: result.retries,
    transitions: result.transitions,
    invocations: result.invocations.length,
    lambdaSeconds: result.invocations.reduce((total, invocation) => total + invocation.durationMs, 0) / 1000,
    exhausted: result.exhausted,
  };
}
