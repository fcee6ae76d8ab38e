import { EC2Client } from '@aws-sdk/client-ec2';
import { emulator } from '../../local/test-support/emulator-control';
import type { LocalRunResult } from '../../statemachine/local-runner';
import { resourcesTaggedWith } from './tagged-network';
import { failedFor, managedInventory, provisionedFor, recordCleanRun, type AroundRun, type MutatingCall } from './fault-suite';
import { passingProbe, provision, queueProbeAnswers } from './harness';
import { SCENARIOS, type ScenarioName } from './scenarios';

const ec2 = new EC2Client({});

/** The realism profile on around the workflow's run only: the scenario's setup and the checks talk to plain moto. */
export function realismAround(seed: number): AroundRun {
  return { before: () => emulator.realism(seed), after: () => emulator.plain() };
}

/** Which behaviours of the profile answered calls of the run (docs/aws-behaviour.md). */
export async function behavioursMet(): Promise<string[]> {
  return [...new Set((await emulator.calls()).flatMap((call) => (call.realism ? [call.realism] : [])))].sort();
}

export interface RealisticRun {
  readonly run: LocalRunResult;
  /** undefined, or what differs from the scenario's clean run on plain moto. */
  readonly wrong: string | undefined;
  readonly behaviours: string[];
}

/**
 * The scenario as AWS behaves: its provision (or, with `after`, its release + teardown after a plain provision)
 * run under the realism profile with `seed`, judged against the clean run on plain moto (recordCleanRun, shared
 * with the fault suite): the same managed resources, nothing duplicated, nothing left.
 */
export async function underRealism(name: ScenarioName, seed: number): Promise<RealisticRun> {
  const scenario = SCENARIOS[name];
  const clean = recordCleanRun(name);
  const around = realismAround(seed);
  if (scenario.after) {
    const prepared = await provisionedFor({ ...scenario, after: scenario.after });
    await around.before();
    const run = await scenario.after.run();
    await around.after();
    return { run, wrong: await scenario.after.throttled(run, prepared), behaviours: await behavioursMet() };
  }
  const { request } = await scenario.prepare();
  await queueProbeAnswers(passingProbe(), passingProbe(), passingProbe());
  await around.before();
  const run = await provision(request);
  await around.after();
  const behaviours = await behavioursMet();
  if (run.status !== 'SUCCEEDED') return { run, wrong: `${run.status} ${run.error} ${run.cause?.slice(0, 400)}`, behaviours };
  const inventory = await managedInventory();
  const wrong = JSON.stringify(inventory) === JSON.stringify(clean.inventory) ? undefined : `resources ${JSON.stringify(inventory)} != clean ${JSON.stringify(clean.inventory)}`;
  return { run, wrong, behaviours };
}

/** A failure for good on `call`, under the profile: the execution fails with it and Rollback leaves nothing of its own. */
export async function rollbackUnderRealism(name: ScenarioName, call: MutatingCall, seed: number): Promise<string | undefined> {
  return failedFor(SCENARIOS[name], call, realismAround(seed));
}

/** What a run's execution left tagged with its id (EC2). */
export async function leftBy(run: LocalRunResult): Promise<string[]> {
  return resourcesTaggedWith(ec2, run.executionArn);
}
