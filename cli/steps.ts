import { STEP_STATE_TYPES, type StepEvent } from '../functions/api/step-events';
import type { EventLog } from '../statemachine/local-runner';

export type { StepEvent };

type StepStatus = 'running' | 'done' | 'failed';

/** What the progress display shows for one step. */
export interface StepView {
  readonly name: string;
  readonly status: StepStatus;
  /** How often the step was entered: loop checks, Map iterations (one per AZ). */
  readonly runs: number;
  readonly retries: number;
  readonly error?: string;
  /** From the first entry to the last exit (or to now while running). */
  readonly startedAt: number;
  readonly endedAt?: number;
}

interface MutableStep {
  name: string;
  status: StepStatus;
  runs: number;
  retries: number;
  active: number;
  error?: string;
  startedAt: number;
  endedAt?: number;
}

/** Folds step events into one view per step, in first-entered order. */
export class StepTracker {
  private readonly byName = new Map<string, MutableStep>();

  apply(event: StepEvent): StepView {
    let step = this.byName.get(event.step);
    if (!step) {
      step = { name: event.step, status: 'running', runs: 0, retries: 0, active: 0, startedAt: event.at };
      this.byName.set(event.step, step);
    }
    switch (event.kind) {
      case 'entered':
        step.runs += 1;
        step.active += 1;
        if (step.status !== 'failed') step.status = 'running';
        delete step.endedAt;
        break;
      case 'retried':
        // The interpreter re-runs the state without a new StateEntered.
        step.retries += 1;
        step.status = 'running';
        delete step.error;
        delete step.endedAt;
        break;
      case 'failed':
        // A retried failure becomes 'running' again; a caught one still exits the state, and stays failed.
        step.status = 'failed';
        step.error = event.error;
        step.endedAt = event.at;
        break;
      case 'exited':
        step.active = Math.max(0, step.active - 1);
        if (step.active === 0) {
          if (step.status !== 'failed') step.status = 'done';
          step.endedAt = event.at;
        }
        break;
    }
    return this.view(step);
  }

  steps(): StepView[] {
    return [...this.byName.values()].map((step) => this.view(step));
  }

  /** The steps still running, e.g. the current state of an execution. */
  running(): StepView[] {
    return this.steps().filter((step) => step.status === 'running');
  }

  private view(step: MutableStep): StepView {
    const { active: _active, ...view } = step;
    return { ...view };
  }
}

export function elapsedMs(step: StepView, now: number): number {
  return (step.endedAt ?? now) - step.startedAt;
}

/** The step events of one event of the local runner (aws-local-stepfunctions), if it concerns a step. */
export function stepEventOfLocal(event: EventLog): StepEvent | undefined {
  if (!('state' in event) || !STEP_STATE_TYPES.has(event.state.type)) return undefined;
  const step = event.state.name;
  const at = event.timestamp;
  switch (event.type) {
    case 'StateEntered':
      return { kind: 'entered', step, at };
    case 'StateExited':
      return { kind: 'exited', step, at };
    case 'StateFailed':
      return { kind: 'failed', step, at, error: event.Error, cause: causeText(event.Cause) };
    case 'StateRetried':
      return { kind: 'retried', step, at, attempt: event.retry.attempt };
    case 'StateCaught':
      // The failure was already reported by StateFailed; the state then exits to its Catch target.
      return undefined;
    default:
      return undefined;
  }
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}
