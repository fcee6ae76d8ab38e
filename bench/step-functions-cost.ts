import type { LocalRunResult } from '../statemachine/local-runner';
import { emulator } from '../local/test-support/emulator-control';
import type { FaultRule } from '../local/test-support/fault-rules';
import type { SimResult } from './simulation';
import type { DeployedTaskConfig } from './deployed-config';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { gbSeconds, lambdaCost, PRICING } from './pricing';
import { createUserFunction, expectStatus, freshAccount, measureProvision, type MeasuredRun } from './provision-run';
import { createModeRequest } from './requests';

/** A wait loop measured by making AWS report "not ready" k times in a row (fault proxy rewrite rule). */
interface LoopCost {
  readonly waitState: string;
  readonly polls: number;
  readonly loopsEntered: number;
  readonly transitions: number;
  readonly transitionsPerIteration: number;
}

export interface StepFunctionsCost {
  readonly happyPathTransitions: number;
  readonly natWait: LoopCost;
  readonly functionWait: LoopCost;
  readonly happyPathPriceUsd: number;
  /** With the loops and retries the typical latency profile predicts (section 3's simulation). */
  readonly typicalOnAws: { readonly transitions: number; readonly priceUsd: number };
  readonly lambda: {
    readonly memoryMb: number;
    readonly architecture: 'arm64' | 'x86_64';
    readonly measured: { readonly invocations: number; readonly seconds: number; readonly gbSeconds: number; readonly priceUsd: number };
    readonly typicalOnAws: { readonly invocations: number; readonly seconds: number; readonly gbSeconds: number; readonly priceUsd: number };
  };
  readonly typicalTotalUsd: number;
}

const NAT_PENDING: FaultRule['fault'] = { type: 'rewrite', replacements: [{ pattern: '<state>available</state>', replacement: '<state>pending</state>' }] };
const FUNCTION_IN_PROGRESS: FaultRule['fault'] = {
  type: 'rewrite',
  replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }],
};

/**
 * Section 2. The happy path is the fresh provision of section 1; each loop is measured by a run in a fresh
 * account whose check is told "pending" `polls` times, and costs (that run's transitions - the happy path's) / polls.
 */
export async function measureStepFunctionsCost(
  environment: IsolatedEmulator,
  happyPath: MeasuredRun,
  typicalSimulation: SimResult,
  config: DeployedTaskConfig,
  polls: number,
): Promise<StepFunctionsCost> {
  const baseline = happyPath.run.stateTransitions;
  const natRun = await runWithPendingChecks(environment, 'CheckNatGateways', { service: 'ec2', action: 'DescribeNatGateways', times: polls, fault: NAT_PENDING });
  const functionRun = await runWithPendingChecks(environment, 'CheckFunctionUpdate', { service: 'lambda', action: 'GetFunctionConfiguration', times: polls, fault: FUNCTION_IN_PROGRESS });

  const measuredDurations = happyPath.invocations.map((invocation) => invocation.durationMs);
  const simulatedDurations = typicalSimulation.invocations.map((invocation) => invocation.durationMs);
  const lambdaOf = (durations: number[]) => ({
    invocations: durations.length,
    seconds: durations.reduce((total, duration) => total + duration, 0) / 1000,
    gbSeconds: gbSeconds(durations, config.memoryMb),
    priceUsd: lambdaCost(durations, config.memoryMb, config.architecture),
  });
  const typicalLambda = lambdaOf(simulatedDurations);
  const typicalTransitionsPrice = typicalSimulation.transitions * PRICING.stepFunctionsPerTransition;
  return {
    happyPathTransitions: baseline,
    natWait: loopCost(['FirstWaitForNatGateways', 'WaitForNatGateways'], natRun, baseline, polls),
    functionWait: loopCost(['FirstWaitForFunctionUpdate', 'WaitForFunctionUpdate'], functionRun, baseline, polls),
    happyPathPriceUsd: baseline * PRICING.stepFunctionsPerTransition,
    typicalOnAws: { transitions: typicalSimulation.transitions, priceUsd: typicalTransitionsPrice },
    lambda: { memoryMb: config.memoryMb, architecture: config.architecture, measured: lambdaOf(measuredDurations), typicalOnAws: typicalLambda },
    typicalTotalUsd: typicalTransitionsPrice + typicalLambda.priceUsd,
  };
}

/** A fresh provision whose `checkTask` is answered "pending" by the next `rule.times` calls of its action. */
async function runWithPendingChecks(environment: IsolatedEmulator, checkTask: string, rule: Omit<FaultRule, 'nth'>): Promise<LocalRunResult> {
  await freshAccount();
  await createUserFunction('orders-api');
  let injected = false;
  const measured = await measureProvision(environment, createModeRequest('orders-api'), {
    before: async (task) => {
      if (task !== checkTask || injected) return;
      injected = true;
      // Clearing the rules restarts the proxy's per-action counters: the check's own call is the 1st from here.
      await emulator.clearFaults();
      await emulator.inject({ ...rule, nth: 1 });
    },
  });
  await emulator.clearFaults();
  return expectStatus(measured, 'SUCCEEDED', `provision with ${checkTask} told "pending" ${rule.times} times`).run;
}

/** `waitStates`: the loop's Wait states (its first wait, if it has one of its own, and the later one). */
function loopCost(waitStates: readonly string[], run: LocalRunResult, baseline: number, polls: number): LoopCost {
  const waitState = waitStates.at(-1)!;
  const loopsEntered = run.events.filter((event) => event.type === 'StateEntered' && waitStates.includes(event.state.name)).length;
  if (loopsEntered !== polls) throw new Error(`${waitStates.join(' + ')} were entered ${loopsEntered} times, expected ${polls}: the injected "pending" answers missed the check`);
  return { waitState, polls, loopsEntered, transitions: run.stateTransitions, transitionsPerIteration: (run.stateTransitions - baseline) / polls };
}
