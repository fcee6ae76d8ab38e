import {
  DescribeExecutionCommand,
  paginateGetExecutionHistory,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ProvisionResult } from '../report/types';
import { rollbackReportOf } from '../rollback/rollback-report';
import { allPages } from '../shared/paginate';
import type { RollbackReport } from '../undo/types';
import { STEP_STATE_TYPES, type StepEvent } from './step-events';

/** How an execution ended (or where it is), as Step Functions describes it; where it ran is the CLI's concern (cli/run-outcome.ts). */
export interface ExecutionOutcome {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'RUNNING' | 'TIMED_OUT' | 'ABORTED';
  /** Empty when no execution was started (the request was rejected before). */
  readonly executionArn: string;
  readonly result?: ProvisionResult;
  /** The execution's error name (the original one after a complete rollback). */
  readonly error?: string;
  /** The execution's cause: for a task error, Lambda's JSON `{"errorType","errorMessage"}`. */
  readonly cause?: string;
  readonly rollback?: RollbackReport;
  readonly durationMs?: number;
  readonly stateTransitions?: number;
}


/** `TaskStateEntered` -> `Task`: the state type an entered/exited event is about. */
const STATE_EVENT = /^(Task|Wait|Choice|Pass|Map|Parallel|Succeed|Fail)State(Entered|Exited)$/;

/** The failure events of a Lambda Task (the ASL's Resource is a function ARN) and of service integrations. */
const FAILURES: Record<string, (event: HistoryEvent) => { error?: string; cause?: string } | undefined> = {
  LambdaFunctionFailed: (event) => event.lambdaFunctionFailedEventDetails,
  LambdaFunctionTimedOut: (event) => event.lambdaFunctionTimedOutEventDetails,
  LambdaFunctionScheduleFailed: (event) => event.lambdaFunctionScheduleFailedEventDetails,
  LambdaFunctionStartFailed: (event) => event.lambdaFunctionStartFailedEventDetails,
  TaskFailed: (event) => event.taskFailedEventDetails,
  TaskTimedOut: (event) => event.taskTimedOutEventDetails,
  TaskStartFailed: (event) => event.taskStartFailedEventDetails,
  TaskSubmitFailed: (event) => event.taskSubmitFailedEventDetails,
};
const SCHEDULED = new Set(['LambdaFunctionScheduled', 'TaskScheduled']);

/**
 * Turns GetExecutionHistory events into step events, incrementally (feed each event once, in id order).
 * Lambda events carry no state name: they are attributed through their previousEventId chain to the
 * TaskStateEntered they belong to. A Scheduled event that follows a failure of the same state is a retry.
 */
export class HistoryReader {
  private readonly byId = new Map<number, HistoryEvent>();
  private readonly failures = new Map<string, number>();
  private lastId = 0;
  private rollbackReport: RollbackReport | undefined;

  /** Events not seen before, in id order, as step events. */
  read(events: readonly HistoryEvent[]): StepEvent[] {
    const fresh = events.filter((event) => (event.id ?? 0) > this.lastId).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    return fresh.flatMap((event) => {
      this.byId.set(event.id ?? 0, event);
      this.lastId = Math.max(this.lastId, event.id ?? 0);
      return this.convert(event);
    });
  }

  /** The Rollback task's report (`$.rollback` of its output), once it exited. */
  rollback(): RollbackReport | undefined {
    return this.rollbackReport;
  }

  private convert(event: HistoryEvent): StepEvent[] {
    const type = event.type ?? '';
    const at = event.timestamp?.getTime() ?? 0;
    const stateEvent = STATE_EVENT.exec(type);
    if (stateEvent) {
      const details = stateEvent[2] === 'Entered' ? event.stateEnteredEventDetails : event.stateExitedEventDetails;
      const step = details?.name ?? '';
      if (step === 'Rollback' && stateEvent[2] === 'Exited') this.rollbackReport = rollbackReportOf(event.stateExitedEventDetails?.output);
      if (!STEP_STATE_TYPES.has(stateEvent[1] ?? '')) return [];
      return [{ kind: stateEvent[2] === 'Entered' ? 'entered' : 'exited', step, at }];
    }
    const failure = FAILURES[type];
    if (failure) {
      const step = this.stateOf(event);
      if (!step) return [];
      this.failures.set(step, (this.failures.get(step) ?? 0) + 1);
      const details = failure(event);
      return [{ kind: 'failed', step, at, error: details?.error ?? type, ...(details?.cause ? { cause: details.cause } : {}) }];
    }
    if (SCHEDULED.has(type)) {
      const previous = this.byId.get(event.previousEventId ?? -1);
      const step = this.stateOf(event);
      if (step && previous && FAILURES[previous.type ?? '']) return [{ kind: 'retried', step, at, attempt: this.failures.get(step) ?? 1 }];
    }
    return [];
  }

  /** The name of the state an event belongs to: the nearest StateEntered up the previousEventId chain. */
  private stateOf(event: HistoryEvent): string | undefined {
    let current: HistoryEvent | undefined = event;
    for (let hops = 0; current && hops < 10_000; hops += 1) {
      if (current.type?.endsWith('StateEntered')) return current.stateEnteredEventDetails?.name;
      current = this.byId.get(current.previousEventId ?? -1);
    }
    return undefined;
  }
}

/** Every history event of an execution so far (all pages). */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return allPages(paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn }), (page) => page.events);
}

export function outcomeOfExecution(execution: DescribeExecutionCommandOutput, reader: HistoryReader): ExecutionOutcome {
  const status = execution.status === 'PENDING_REDRIVE' ? 'FAILED' : (execution.status ?? 'RUNNING');
  const started = execution.startDate?.getTime();
  const stopped = execution.stopDate?.getTime();
  const rollback = reader.rollback();
  return {
    status,
    executionArn: execution.executionArn ?? '',
    ...(status === 'SUCCEEDED' && execution.output ? { result: JSON.parse(execution.output) as ProvisionResult } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
    ...(rollback ? { rollback } : {}),
    ...(started !== undefined && stopped !== undefined ? { durationMs: stopped - started } : {}),
  };
}

/** One look at an execution: its outcome so far and every step event of its history (the API's GET, the CLI's `status`). */
export async function readExecution(sfn: SFNClient, executionArn: string): Promise<{ outcome: ExecutionOutcome; steps: StepEvent[]; input?: string }> {
  const reader = new HistoryReader();
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const steps = reader.read(await executionHistory(sfn, executionArn));
  return { outcome: outcomeOfExecution(execution, reader), steps, ...(execution.input !== undefined ? { input: execution.input } : {}) };
}
