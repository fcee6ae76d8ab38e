import type { Context } from 'aws-lambda';
import { routedError } from './eventual-consistency';
import type { TaskName } from './task-registry';
import { keyLogsByExecution, logger } from './logger';
import type { ExecutionContext } from './types';

/** When a task ran; every slice carries one, and the success output lists them as per-step timings. */
export interface TaskTiming {
  readonly task: string;
  readonly startedAt: string;
  readonly durationMs: number;
}

type Timed<T> = T extends readonly unknown[] ? T : T extends object ? T & { readonly timing: TaskTiming } : T;

/**
 * Wraps a task's core into a Lambda handler: keys the logs by execution id, stamps the slice with its
 * timing, logs a failure once, and rethrows it so the state machine's Retry/Catch sees the original error name
 * (but for an EC2 NotFound or a dropped connection, which routedError names for their retry). `task` is a name of functions/shared/task-registry.ts (a type-only import: the registry is data,
 * and a misspelt task name must not compile).
 */
export function taskHandler<TInput extends { execution?: ExecutionContext }, TResult>(
  task: TaskName,
  core: (input: TInput) => Promise<TResult>,
): (input: TInput, context?: Context) => Promise<Timed<TResult>> {
  return async (input, context) => {
    if (context) logger.addContext(context);
    keyLogsByExecution(input.execution?.id, task);
    const started = Date.now();
    try {
      const result = await core(input);
      const timing: TaskTiming = { task, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
      logger.info('task succeeded', { durationMs: timing.durationMs });
      const isSlice = typeof result === 'object' && result !== null && !Array.isArray(result);
      return (isSlice ? { ...result, timing } : result) as Timed<TResult>;
    } catch (error) {
      logger.error('task failed', error as Error);
      throw routedError(error);
    }
  };
}
