import type { RollbackReport } from '../undo/types';

/**
 * The Rollback task's report, `$.rollback` of the state it exited with: as Step Functions' history gives it (a
 * JSON string) or as the local runner does (the object). Undefined when there is none or it is not JSON.
 */
export function rollbackReportOf(output: unknown): RollbackReport | undefined {
  let state = output;
  if (typeof output === 'string') {
    try {
      state = JSON.parse(output);
    } catch {
      return undefined;
    }
  }
  return typeof state === 'object' && state !== null ? (state as { rollback?: RollbackReport }).rollback : undefined;
}
