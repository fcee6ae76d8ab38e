import { registryTask, type LocalTask } from '../statemachine/local-runner';
import { emulator } from '../local/test-support/emulator-control';
import type { CallRecord } from '../local/test-support/fault-rules';
import { actionKey } from './call-log';

/** One call of a task handler during a local run, with the AWS calls it made. */
export interface TaskInvocation {
  readonly task: string;
  /** Order among all invocations of the run. */
  readonly sequence: number;
  readonly durationMs: number;
  /** `service:Action` of every AWS call, in order. */
  readonly actions: string[];
  readonly calls: CallRecord[];
  /** The error name when the handler threw. */
  readonly error?: string;
}

interface TracedTasks {
  readonly resolveTask: (taskName: string) => LocalTask;
  readonly invocations: TaskInvocation[];
}

export interface TraceOptions {
  /** Runs before each invocation (outside its timing and its call window): queue a probe answer, add a fault rule. */
  readonly before?: (task: string, input: unknown, callsSoFar: readonly CallRecord[]) => Promise<void>;
  /** One serializer for several executions at once (taskSerializer), so each invocation's calls are its own there too. */
  readonly serializer?: TaskSerializer;
}

type TaskSerializer = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs one piece of work at a time, in the order asked. */
export function taskSerializer(): TaskSerializer {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
}

/**
 * Instrumentation, not a stand-in: the real handler of every task, run one at a time, each between two reads of
 * the account's call log, so the calls between them are exactly that invocation's (parallel branches would
 * otherwise interleave their calls). Serialising changes no handler's work, only when Parallel branches run.
 */
export function tracedTasks(options: TraceOptions = {}): TracedTasks {
  const invocations: TaskInvocation[] = [];
  const exclusive = options.serializer ?? taskSerializer();

  const resolveTask = (task: string): LocalTask => {
    const handler = registryTask(task);
    return (input) =>
      exclusive(async () => {
        if (options.before) await options.before(task, input, await emulator.calls());
        const startCount = (await emulator.calls()).length;
        const started = performance.now();
        let error: string | undefined;
        try {
          return await handler(input);
        } catch (thrown) {
          error = thrown instanceof Error ? thrown.name : 'Error';
          throw thrown;
        } finally {
          const durationMs = performance.now() - started;
          const calls = (await emulator.calls()).slice(startCount);
          invocations.push({ task, sequence: invocations.length, durationMs, actions: calls.map(actionKey), calls, ...(error ? { error } : {}) });
        }
      });
  };
  return { resolveTask, invocations };
}
