import { allStates, DEPLOYED_DEFINITION_PATHS, readDefinitionText, taskOfResource, type AslDefinition } from '../statemachine/definition';

/** What a Task without TimeoutSeconds gets (the local interpreter's limit too: EMULATOR.md). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 60;
/**
 * The function stops this much before the state machine stops waiting for it: a function still running after
 * its Task timed out could create a resource nobody ledgers. Lambda's own time-out is the one that fires.
 */
export const TIMEOUT_MARGIN_SECONDS = 5;

/** The longest `TimeoutSeconds` of any Task that calls `${<Name>FunctionArn}` in any of the definitions, by task name. */
export function taskTimeoutsOf(definitionTexts: string | readonly string[] = DEPLOYED_DEFINITION_PATHS.map((path) => readDefinitionText(path))): Map<string, number> {
  const timeouts = new Map<string, number>();
  const states = (typeof definitionTexts === 'string' ? [definitionTexts] : definitionTexts).flatMap((text) => allStates(JSON.parse(text) as AslDefinition));
  for (const [, state] of states) {
    const task = state.Type === 'Task' && typeof state.Resource === 'string' ? taskOfResource(state.Resource) : undefined;
    if (!task) continue;
    const seconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : DEFAULT_TASK_TIMEOUT_SECONDS;
    timeouts.set(task, Math.max(seconds, timeouts.get(task) ?? 0));
  }
  return timeouts;
}

/** The function's own time-out: just inside the Task's, at least 10 s, at most Lambda's 900 s. */
export function functionTimeoutSeconds(taskTimeoutSeconds: number | undefined): number {
  const task = taskTimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS;
  return Math.min(900, Math.max(10, task - TIMEOUT_MARGIN_SECONDS));
}
