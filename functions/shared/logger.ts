import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of the product. Never log whole events: they can hold customer data. */
export const logger = new Logger({ serviceName: 'lambda-egress' });

/** Keys every following log line with the Step Functions execution id (and the task name). */
export function keyLogsByExecution(executionId: string | undefined, task: string): void {
  logger.appendPersistentKeys({ executionId: executionId ?? 'unknown', task });
}
