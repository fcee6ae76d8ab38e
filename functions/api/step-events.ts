/**
 * One thing that happened to a step of the workflow, whether it came from the local interpreter's event log
 * or from Step Functions' GetExecutionHistory. A step is a Task or Wait state, by its name in the ASL.
 */
export type StepEvent =
  | { readonly kind: 'entered'; readonly step: string; readonly at: number }
  | { readonly kind: 'exited'; readonly step: string; readonly at: number }
  | { readonly kind: 'failed'; readonly step: string; readonly at: number; readonly error: string; readonly cause?: string }
  | { readonly kind: 'retried'; readonly step: string; readonly at: number; readonly attempt: number };

/** State types shown as steps; Choice/Pass/Map/Parallel/Succeed/Fail are plumbing. */
export const STEP_STATE_TYPES: ReadonlySet<string> = new Set(['Task', 'Wait']);
