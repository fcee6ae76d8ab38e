import type { SFNClient } from '@aws-sdk/client-sfn';
import { awsErrorName } from '../shared/errors';
import { readExecution } from './execution-history';
import { requestedByOfInput } from '../shared/requested-by';
import { executionArnOf, invalidRequestId, type ApiAnswer } from './requests';
import type { StepEvent } from './step-events';

/** GET /requests/{id}: status, the step it is in, and the result, or the error and what was rolled back. */
export async function requestStatus(sfn: SFNClient, stateMachineArn: string, requestId: string | undefined): Promise<ApiAnswer> {
  const invalid = invalidRequestId('the request id', requestId);
  if (invalid || requestId === undefined) return invalid ?? { statusCode: 400, body: {} };
  let read;
  try {
    read = await readExecution(sfn, executionArnOf(stateMachineArn, requestId));
  } catch (error) {
    if (awsErrorName(error) === 'ExecutionDoesNotExist') return { statusCode: 404, body: { message: `no request ${requestId}` } };
    throw error;
  }
  const { outcome, steps } = read;
  const requestedBy = requestedByOfInput(read.input, outcome.executionArn);
  const currentStep = outcome.status === 'RUNNING' ? currentStepOf(steps) : undefined;
  return {
    statusCode: 200,
    body: {
      requestId,
      executionArn: outcome.executionArn,
      status: outcome.status,
      ...(requestedBy ? { requestedBy } : {}),
      ...(currentStep ? { currentStep } : {}),
      ...(outcome.result ? { result: outcome.result } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.cause ? { cause: outcome.cause } : {}),
      ...(outcome.rollback ? { rollback: outcome.rollback } : {}),
      ...(outcome.durationMs !== undefined ? { durationMs: outcome.durationMs } : {}),
    },
  };
}

/** The step entered last and not exited yet (parallel branches: the most recent of them). */
export function currentStepOf(steps: readonly StepEvent[]): string | undefined {
  const open = new Map<string, number>();
  let latest: string | undefined;
  for (const event of steps) {
    if (event.kind === 'entered') open.set(event.step, (open.get(event.step) ?? 0) + 1);
    if (event.kind === 'exited') open.set(event.step, Math.max(0, (open.get(event.step) ?? 0) - 1));
  }
  for (const event of steps) if (event.kind === 'entered' && (open.get(event.step) ?? 0) > 0) latest = event.step;
  return latest;
}
