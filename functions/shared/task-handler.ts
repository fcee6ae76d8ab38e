import type { Context } from 'aws-lambda';
import { keyLogsByExecution, logger } from './logger';
import type { ExecutionContext } from './types';

/**
 * Wraps a task's core into a Lambda handler: keys the logs by execution id, logs a failure once, and
 * rethrows it unchanged so the state machine's Retry/Catch sees the original error name.
 */
export function taskHandler<TInput extends { execution?: ExecutionContext }, TResult>(
  task: string,
  core: (input: TInput) => Promise<TResult>,
): (input: TInput, context?: Context) => Promise<TResult> {
  return async (input, context) => {
    if (context) logger.addContext(context);
    keyLogsByExecution(input.execution?.id, task);
    try {
      const result = await core(input);
      logger.info('task succeeded');
      return result;
    } catch (error) {
      logger.error('task failed', error as Error);
      throw error;
    }
  };
}
