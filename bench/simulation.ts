/**
 * A virtual clock over an execution's structure: how long it would take on AWS, given how long each AWS call
 * takes and how long AWS keeps things pending. Pure: no I/O, no real time.
 *
 * - a sequence takes the sum of its steps; a Parallel the longest of its branches; a Map (MaxConcurrency 0)
 *   the longest of its iterations;
 * - a Task takes its state transition, Lambda's invoke overhead (plus a cold start on the first invocation of
 *   each task function), and its AWS calls one after another (the handlers await them in turn);
 * - some calls open a *gate*: AWS keeps something pending for a while after them (a NAT gateway, a function's
 *   VPC update, IAM propagation). A poll loop repeats its check until the gate is open at the check's end; a
 *   gated Task fails and is retried (with the ASL's back-off) while its gate is shut.
 */

/** A Task state and the AWS calls (`service:Action`) its handler made in the traced local run. */
export interface SimTask {
  readonly kind: 'task';
  readonly task: string;
  readonly actions: readonly string[];
}

/** A Pass, Choice, Succeed or Fail state: one state transition. */
interface SimState {
  readonly kind: 'state';
  readonly name: string;
}

interface SimWait {
  readonly kind: 'wait';
  readonly name: string;
  readonly seconds: number;
}

interface SimParallel {
  readonly kind: 'parallel';
  readonly name: string;
  readonly branches: readonly SimNode[][];
}

interface SimMap {
  readonly kind: 'map';
  readonly name: string;
  readonly iterations: readonly SimNode[][];
}

/**
 * check; decide; then (loop; check; decide) until `gate` is open at the end of a check, at most maxIterations
 * times. The first time round it takes `firstLoop` instead when the definition has one (a longer first Wait).
 */
export interface SimPoll {
  readonly kind: 'poll';
  readonly gate: string;
  readonly check: SimTask;
  readonly decide: SimState;
  readonly firstLoop?: readonly SimNode[];
  readonly loop: readonly SimNode[];
  readonly maxIterations: number;
}

export type SimNode = SimTask | SimState | SimWait | SimParallel | SimMap | SimPoll;

/**
 * After `openedBy` completes, the gate stays shut for `pendingMs`. Gates that `sharesEnis` in one group wait for
 * the same Hyperplane ENIs (one subnet/security-group combination): the first opened pays `pendingMs` (their
 * creation), any later one `reusePendingMs`, or until the ENIs being created are ready if that is later.
 * Parallel branches are simulated one after another: "first" is the first in that order.
 */
export interface GateRule {
  readonly gate: string;
  readonly openedBy: string;
  readonly pendingMs: number;
  readonly sharesEnis?: { readonly group: string; readonly reusePendingMs: number };
}

/**
 * While `gate` is shut, `task` fails at `action`: either AWS refuses the call itself ('refused': it opens no
 * gate), or the call succeeds and the handler then finds the result not ready ('after'). The state's Retry
 * waits `retryDelayMs(attempt)` (attempt 0 = first retry) and runs the task again, at most maxAttempts retries.
 */
export interface RetryGate {
  readonly gate: string;
  readonly task: string;
  readonly action: string;
  readonly when: 'refused' | 'after';
  readonly retryDelayMs: (attempt: number) => number;
  readonly maxAttempts: number;
}

export interface SimModel {
  readonly callMs: (action: string) => number;
  readonly stateTransitionMs: number;
  readonly invokeOverheadMs: number;
  /** Added to the first invocation of each task function in the execution. */
  readonly coldStartMs: number;
  readonly gates: readonly GateRule[];
  readonly retryGates: readonly RetryGate[];
  /** ENI groups (GateRule.sharesEnis) whose Hyperplane ENIs exist before the run: a join of a ready network. */
  readonly existingEniGroups?: readonly string[];
}

interface SimInvocation {
  readonly task: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly attempt: number;
  readonly cold: boolean;
}

export interface SimResult {
  readonly totalMs: number;
  /** Every Lambda invocation, failed attempts included (billed too). */
  readonly invocations: SimInvocation[];
  /** State transitions, retries included (Step Functions bills both). */
  readonly transitions: number;
  /** Loop iterations (waits) each poll made, by gate. */
  readonly pollIterations: Record<string, number>;
  /** Retries each gated task needed, by task. */
  readonly retries: Record<string, number>;
  /** Polls or retries that ran out of attempts before their gate opened: the execution would fail there. */
  readonly exhausted: string[];
  /** When each top-level step started and ended; a Parallel or Map also gives when each lane ended. */
  readonly spans: SimSpan[];
  /** When each gate opened (AWS finished what it kept pending), by gate. */
  readonly gatesOpenAtMs: Record<string, number>;
  /** When the last accepted call of each action returned, by `service:Action`. */
  readonly lastCallEndMs: Record<string, number>;
}

interface SimSpan {
  readonly step: string;
  /** The task of a Task step or a poll loop. */
  readonly task?: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly laneEndsMs?: number[];
}

const stepName = (node: SimNode): string => (node.kind === 'task' ? node.task : node.kind === 'poll' ? `${node.check.task} loop` : node.name);
const taskOf = (node: SimNode): string | undefined => (node.kind === 'task' ? node.task : node.kind === 'poll' ? node.check.task : undefined);

/** A Retry's delay before retry `attempt` (0-based), Step Functions' rule, with FULL jitter taken at its mean. */
export function retryDelay(retrier: { intervalSeconds: number; backoffRate: number; maxDelaySeconds?: number; fullJitter: boolean }, attempt: number): number {
  const raw = retrier.intervalSeconds * retrier.backoffRate ** attempt;
  const capped = retrier.maxDelaySeconds === undefined ? raw : Math.min(raw, retrier.maxDelaySeconds);
  return capped * 1000 * (retrier.fullJitter ? 0.5 : 1);
}

export function simulate(nodes: readonly SimNode[], model: SimModel): SimResult {
  const gateOpensAt = new Map<string, number>();
  const enisReadyAt = new Map<string, number>((model.existingEniGroups ?? []).map((group) => [group, 0]));
  const lastCallEndMs: Record<string, number> = {};
  const warm = new Set<string>();
  const invocations: SimInvocation[] = [];
  const pollIterations: Record<string, number> = {};
  const retries: Record<string, number> = {};
  const exhausted: string[] = [];
  const spans: SimSpan[] = [];
  let laneEnds: number[] | undefined;
  let transitions = 0;

  const pendingOf = (rule: GateRule, at: number): number => {
    if (!rule.sharesEnis) return rule.pendingMs;
    const ready = enisReadyAt.get(rule.sharesEnis.group);
    if (ready === undefined) {
      enisReadyAt.set(rule.sharesEnis.group, at + rule.pendingMs);
      return rule.pendingMs;
    }
    return Math.max(rule.sharesEnis.reusePendingMs, ready - at);
  };
  const isOpen = (gate: string, at: number): boolean => (gateOpensAt.get(gate) ?? -Infinity) <= at;
  const transition = (at: number): number => {
    transitions += 1;
    return at + model.stateTransitionMs;
  };

  const runTask = (node: SimTask, start: number): number => {
    let at = transition(start);
    const openedHere = new Set<string>();
    for (let attempt = 0; ; attempt += 1) {
      const invocationStart = at;
      const cold = !warm.has(node.task);
      warm.add(node.task);
      at += model.invokeOverheadMs + (cold ? model.coldStartMs : 0);
      let failedOn: RetryGate | undefined;
      for (const action of node.actions) {
        at += model.callMs(action);
        const gated = model.retryGates.find((rule) => rule.task === node.task && rule.action === action);
        if (gated?.when === 'refused' && !isOpen(gated.gate, at)) {
          failedOn = gated;
          break;
        }
        lastCallEndMs[action] = at;
        for (const rule of model.gates) {
          // A retry repeats the call, but AWS's clock started at the first one.
          if (rule.openedBy !== action || openedHere.has(rule.gate)) continue;
          openedHere.add(rule.gate);
          gateOpensAt.set(rule.gate, Math.max(gateOpensAt.get(rule.gate) ?? -Infinity, at + pendingOf(rule, at)));
        }
        if (gated?.when === 'after' && !isOpen(gated.gate, at)) {
          failedOn = gated;
          break;
        }
      }
      invocations.push({ task: node.task, startMs: invocationStart, durationMs: at - invocationStart, attempt, cold });
      if (!failedOn) return at;
      if (attempt >= failedOn.maxAttempts) {
        exhausted.push(`${node.task} (${failedOn.gate})`);
        return at;
      }
      retries[node.task] = (retries[node.task] ?? 0) + 1;
      transitions += 1;
      at += failedOn.retryDelayMs(attempt);
    }
  };

  const runSequence = (sequence: readonly SimNode[], start: number): number => sequence.reduce((at, node) => runNode(node, at), start);

  const runNode = (node: SimNode, start: number): number => {
    switch (node.kind) {
      case 'task':
        return runTask(node, start);
      case 'state':
        return transition(start);
      case 'wait':
        return transition(start) + node.seconds * 1000;
      case 'parallel':
      case 'map': {
        const begin = transition(start);
        const lanes = node.kind === 'parallel' ? node.branches : node.iterations;
        const ends = lanes.map((lane) => runSequence(lane, begin));
        laneEnds = ends;
        return Math.max(begin, ...ends);
      }
      case 'poll': {
        let at = transition(runTask(node.check, start));
        let iterations = 0;
        while (!isOpen(node.gate, at - model.stateTransitionMs)) {
          if (iterations >= node.maxIterations) {
            exhausted.push(`poll ${node.gate}`);
            break;
          }
          at = runSequence(iterations === 0 ? (node.firstLoop ?? node.loop) : node.loop, at);
          at = transition(runTask(node.check, at));
          iterations += 1;
        }
        pollIterations[node.gate] = (pollIterations[node.gate] ?? 0) + iterations;
        return at;
      }
    }
  };

  let totalMs = 0;
  for (const node of nodes) {
    laneEnds = undefined;
    const endMs = runNode(node, totalMs);
    const lanes = node.kind === 'parallel' || node.kind === 'map' ? laneEnds : undefined;
    const task = taskOf(node);
    spans.push({ step: stepName(node), ...(task ? { task } : {}), startMs: totalMs, endMs, ...(lanes ? { laneEndsMs: lanes } : {}) });
    totalMs = endMs;
  }
  return { totalMs, invocations, transitions, pollIterations, retries, exhausted, spans, gatesOpenAtMs: Object.fromEntries(gateOpensAt), lastCallEndMs };
}
