import type { ExecutionOutcome } from '../functions/api/execution-history';

/**
 * How a run the CLI started or looked up ended, and where it ran: in-process against the emulator (`--local`)
 * or on Step Functions. Only the CLI runs locally, so the mode is its word, not the API's.
 */
export interface RunOutcome extends ExecutionOutcome {
  readonly mode: 'local' | 'aws';
}

/** An execution Step Functions ran, as the CLI reports it. */
export function onAws(outcome: ExecutionOutcome): RunOutcome {
  return { mode: 'aws', ...outcome };
}
