import { LOCK_WAIT_SECONDS } from '../functions/shared/registry/lock-policy';
import type { AslDefinition } from '../statemachine/definition';
import type { LocalRunResult } from '../statemachine/local-runner';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { modelOf, pollLoopsOf } from './critical-path';
import { joinTerms, roleWithPolicyMs, type JoinTerm } from './joins-terms';
import { HYPERPLANE_ENIS, levelOf, type LatencyProfileFile } from './latency-profile';
import { createUserFunction, expectStatus, freshAccount, measureProvision, type MeasuredRun } from './provision-run';
import { createModeRequest } from './requests';
import { simulate } from './simulation';
import { taskSerializer } from './traced-tasks';
import { planOfRun } from './simulation-plan';

/**
 * Issue 26: joins of a ready network (docs/joins.md). N joins start at once, in-process against the emulator with
 * the real lock protocol (claims, waits); each run is then simulated on the typical latency profile, and a round
 * of WaitForNetworkLock costs the deployed Wait (LOCK_WAIT_SECONDS). Simulated wall(N) = the slowest join,
 * its lock waits included: joins start together and share nothing else.
 */
interface JoinRound {
  readonly n: number;
  readonly wallSeconds: number;
  readonly ratioToOne: number;
  readonly lockWaits: number;
  /** The emulator's own wall time for the round, tasks run one at a time (tracing): not the AWS figure. */
  readonly localWallSeconds: number;
}

export interface JoinsBench {
  /** One join, simulated (typical) / its lower bound. */
  readonly ratioToLowerBound: number;
  readonly oneJoinSeconds: number;
  readonly lowerBound: { readonly totalMs: number; readonly terms: ReadonlyArray<{ readonly what: string; readonly ms: number }> };
  /** Where one simulated join spends its time: its slowest top-level steps, seconds. */
  readonly slowestSteps: ReadonlyArray<{ readonly step: string; readonly seconds: number }>;
  /** What stands between it and its lower bound, peeled term by term (bench/joins-terms.ts), largest first. */
  readonly inTheWay: readonly JoinTerm[];
  /** The simulated join once every term is peeled off: the bound's own terms and the waits' overshoot. */
  readonly leftSeconds: number;
  /** The same join for a function whose role already has the VPC access policy (bench/joins-terms.ts), its terms peeled the same way. */
  readonly roleWithPolicy: { readonly seconds: number; readonly ratioToLowerBound: number; readonly inTheWay: readonly JoinTerm[]; readonly leftSeconds: number };
  readonly concurrent: JoinRound[];
}

const lockWaitsOf = (run: LocalRunResult): number => run.events.filter((event) => event.type === 'StateEntered' && 'state' in event && event.state.name === 'WaitForNetworkLock').length;

/**
 * The least a join must take on AWS: read the target's configuration (what release restores), one probe
 * invocation through the network, the target's UpdateFunctionConfiguration and its update onto the Hyperplane
 * ENIs that exist. No registry work, no state transitions, no cold starts.
 */
function joinLowerBound(profile: LatencyProfileFile): JoinsBench['lowerBound'] {
  const latency = levelOf(profile, 'typical');
  const update = latency.gates.find((gate) => gate.gate === 'function-vpc-update');
  if (!update?.sharesEnis) throw new Error('the latency profile does not say how long an update onto existing Hyperplane ENIs takes (function-vpc-update sharesEnis)');
  const terms = [
    { what: 'GetFunction (the target, read once)', ms: latency.callMs('lambda:GetFunction') },
    { what: 'Invoke (one probe invocation)', ms: latency.callMs('lambda:Invoke') },
    { what: 'UpdateFunctionConfiguration (target)', ms: latency.callMs('lambda:UpdateFunctionConfiguration') },
    { what: 'target update on existing ENIs', ms: update.sharesEnis.reusePendingMs },
  ];
  return { totalMs: terms.reduce((sum, term) => sum + term.ms, 0), terms };
}

/** The typical model, knowing that a ready network's Hyperplane ENIs exist (the probe and the members use them). */
const joinModel = (definition: AslDefinition, profile: LatencyProfileFile) => ({ ...modelOf(definition, profile, 'typical'), existingEniGroups: [HYPERPLANE_ENIS] });

function simulatedMs(definition: AslDefinition, profile: LatencyProfileFile, measured: MeasuredRun): number {
  const plan = planOfRun(definition, measured.run.events, measured.invocations, pollLoopsOf(definition));
  return simulate(plan, joinModel(definition, profile)).totalMs;
}

export async function measureJoins(environment: IsolatedEmulator, definition: AslDefinition, profile: LatencyProfileFile, counts: readonly number[], lockWaitMs: number): Promise<JoinsBench> {
  await freshAccount();
  await createUserFunction('joins-builder');
  expectStatus(await measureProvision(environment, createModeRequest('joins-builder'), { lockWaitMs }), 'SUCCEEDED', 'joins: the build of the network');
  const rounds: Array<JoinRound & { simulated: number[]; first: MeasuredRun }> = [];
  for (const n of counts) {
    const names = Array.from({ length: n }, (_, index) => `joins-${n}-${index + 1}`);
    for (const name of names) await createUserFunction(name);
    const started = performance.now();
    // One task at a time over all N executions: the account's call log then tells each invocation's calls apart.
    // The lock protocol still interleaves for real (claims are taken and held across the executions' steps).
    const serializer = taskSerializer();
    const measured = await Promise.all(
      names.map(async (name) => expectStatus(await measureProvision(environment, createModeRequest(name), { lockWaitMs, serializer }), 'SUCCEEDED', `joins: ${name}`)),
    );
    const localWallSeconds = (performance.now() - started) / 1000;
    const simulated = measured.map((run) => simulatedMs(definition, profile, run) + lockWaitsOf(run.run) * LOCK_WAIT_SECONDS * 1000);
    const wallSeconds = Math.max(...simulated) / 1000;
    rounds.push({ n, wallSeconds, ratioToOne: 0, lockWaits: measured.reduce((sum, run) => sum + lockWaitsOf(run.run), 0), localWallSeconds, simulated, first: measured[0] as MeasuredRun });
  }
  const one = rounds.find((round) => round.n === 1) ?? rounds[0];
  if (!one) throw new Error('joins: no round measured');
  const bound = joinLowerBound(profile);
  const plan = planOfRun(definition, one.first.run.events, one.first.invocations, pollLoopsOf(definition));
  const spans = simulate(plan, joinModel(definition, profile)).spans;
  const { terms: inTheWay, leftSeconds } = joinTerms(plan, joinModel(definition, profile));
  const withPolicyMs = roleWithPolicyMs(plan, joinModel(definition, profile));
  const withPolicyTerms = joinTerms(plan, joinModel(definition, profile), { withPolicy: true });
  const slowestSteps = [...spans]
    .map((span) => ({ step: span.step, seconds: span.endMs / 1000 - span.startMs / 1000 }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 4);
  return {
    ratioToLowerBound: (one.wallSeconds * 1000) / bound.totalMs,
    oneJoinSeconds: one.wallSeconds,
    lowerBound: bound,
    slowestSteps,
    inTheWay,
    leftSeconds,
    roleWithPolicy: { seconds: withPolicyMs / 1000, ratioToLowerBound: withPolicyMs / bound.totalMs, inTheWay: withPolicyTerms.terms, leftSeconds: withPolicyTerms.leftSeconds },
    concurrent: rounds.map(({ simulated: _simulated, first: _first, ...round }) => ({ ...round, ratioToOne: round.wallSeconds / one.wallSeconds })),
  };
}
