import type { ProvisionResult } from '../functions/report/types';
import { rollbackReportOf } from '../functions/rollback/rollback-report';
import type { RollbackReport } from '../functions/undo/types';
import type { ProvisionRequestInput } from '../functions/shared/types';
import { runLocally, type EventLog, type LocalTask } from '../statemachine/local-runner';
import type { RunOutcome } from './output';
import { stepEventOfLocal, type StepEvent } from './steps';

interface LocalProvisionOptions {
  readonly executionName?: string;
  /** The emulator's account, for the execution ARN. Default: the local runner's. */
  readonly accountId?: string;
  /** The handler of each task. Default: the registry's (functions/shared/task-registry.ts). */
  readonly resolveTask?: (taskName: string) => LocalTask;
  readonly onStep: (event: StepEvent) => void;
  readonly onStart?: (executionArn: string) => void;
}

/** The Rollback task's report: `$.rollback` of the state it exited with. */
function rollbackOfLocal(events: readonly EventLog[]): RollbackReport | undefined {
  for (const event of events) {
    const report = event.type === 'StateExited' && event.state.name === 'Rollback' ? rollbackReportOf(event.state.output) : undefined;
    if (report) return report;
  }
  return undefined;
}

/**
 * Runs statemachine/provision.asl.json in-process (the local runner), every task against the endpoint the
 * SDK environment names. The emulator creates everything at once, so Wait states and retry intervals are
 * skipped; the retries and catches themselves run as written.
 */
export async function provisionLocally(request: ProvisionRequestInput, options: LocalProvisionOptions): Promise<RunOutcome> {
  const started = Date.now();
  const run = await runLocally(request, {
    ...(options.executionName ? { executionName: options.executionName } : {}),
    ...(options.resolveTask ? { resolveTask: options.resolveTask } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    skipWaits: true,
    skipRetryIntervals: true,
    ...(options.onStart ? { onStart: options.onStart } : {}),
    onEvent: (event) => {
      const step = stepEventOfLocal(event);
      if (step) options.onStep(step);
    },
  });
  const rollback = rollbackOfLocal(run.events);
  return {
    mode: 'local',
    status: run.status,
    executionArn: run.executionArn,
    ...(run.status === 'SUCCEEDED' ? { result: run.output as ProvisionResult } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.cause !== undefined ? { cause: run.cause } : {}),
    ...(rollback ? { rollback } : {}),
    durationMs: Date.now() - started,
    stateTransitions: run.stateTransitions,
  };
}
