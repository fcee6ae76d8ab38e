import type { SFNClient } from '@aws-sdk/client-sfn';
import { awsErrorName } from '../shared/errors';
import { REQUESTED_BY_KEY, type RequestedBy } from '../shared/requested-by';
import { startNamedExecution, type NamedExecution } from './named-execution';
import { IDEMPOTENCY_HEADER, invalidRequestId, type ApiAnswer } from './requests';

/** POST /requests: starts the workflow under the idempotency key, or answers with the execution it already started. */
export async function startRequest(sfn: SFNClient, stateMachineArn: string, request: { idempotencyKey?: string; body?: string | null; requestedBy?: RequestedBy }): Promise<ApiAnswer> {
  const invalid = invalidRequestId(`the ${IDEMPOTENCY_HEADER} header`, request.idempotencyKey);
  if (invalid || request.idempotencyKey === undefined) return invalid ?? { statusCode: 400, body: {} };
  const name = request.idempotencyKey;
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body ?? '');
  } catch {
    return { statusCode: 400, body: { message: 'the body must be a JSON request (functions/shared/request.schema.json)' } };
  }
  // One spelling of the request, so a retry that re-serialises the same JSON is the same input; who asked
  // (start-checked.ts) beside it.
  const input = JSON.stringify(request.requestedBy ? { ...(parsed as object), [REQUESTED_BY_KEY]: request.requestedBy } : parsed);
  let named: NamedExecution;
  try {
    named = await startNamedExecution(sfn, stateMachineArn, name, input);
  } catch (error) {
    const code = awsErrorName(error);
    if (code === 'ExecutionLimitExceeded' || code === 'ThrottlingException') {
      return { statusCode: 429, body: { message: `Step Functions is at its limit (${code}); retry later with the same ${IDEMPOTENCY_HEADER}` } };
    }
    throw error;
  }
  switch (named.kind) {
    case 'started':
      return { statusCode: 202, body: { requestId: name, executionArn: named.executionArn, startDate: named.startDate?.toISOString(), status: 'RUNNING' } };
    case 'existing':
      return { statusCode: 200, body: { requestId: name, executionArn: named.execution.executionArn, startDate: named.execution.startDate?.toISOString(), status: named.execution.status } };
    case 'taken':
      return {
        statusCode: 409,
        body: { message: `${IDEMPOTENCY_HEADER} ${name} was already used for a different request; send a new key for a new request`, executionArn: named.executionArn },
      };
  }
}
