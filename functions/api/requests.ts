import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { readExecution } from '../../cli/aws-mode';
import type { StepEvent } from '../../cli/steps';
import { awsErrorName } from '../shared/errors';

/**
 * The catalog API's two operations over the deployed state machine. The idempotency key is the execution
 * name: Step Functions refuses a second execution of that name, so a retried POST never starts a second
 * workflow (StartExecution with the same name and input is idempotent while it runs; afterwards the
 * existing execution is returned).
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** What Step Functions accepts as an execution name, minus the characters that need URL escaping. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export interface ApiAnswer {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

/** `arn:...:stateMachine:<name>` + id -> `arn:...:execution:<name>:<id>`. */
export function executionArnOf(stateMachineArn: string, requestId: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine') throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return [...parts.slice(0, 5), 'execution', parts[6], requestId].join(':');
}

function badKey(what: string, value: string | undefined): ApiAnswer | undefined {
  if (value !== undefined && REQUEST_ID_PATTERN.test(value)) return undefined;
  return {
    statusCode: 400,
    body: {
      message: `${what} must be 1 to 80 letters, digits, '-' or '_' (got ${value === undefined ? 'none' : JSON.stringify(value.slice(0, 100))}); use a UUID or your catalog's order id`,
    },
  };
}

/** POST /requests: starts the workflow under the idempotency key, or answers with the execution it already started. */
export async function startRequest(sfn: SFNClient, stateMachineArn: string, request: { idempotencyKey?: string; body?: string | null }): Promise<ApiAnswer> {
  const invalid = badKey(`the ${IDEMPOTENCY_HEADER} header`, request.idempotencyKey);
  if (invalid || request.idempotencyKey === undefined) return invalid ?? { statusCode: 400, body: {} };
  const name = request.idempotencyKey;
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body ?? '');
  } catch {
    return { statusCode: 400, body: { message: 'the body must be a JSON request (statemachine/request.schema.json)' } };
  }
  // One spelling of the request, so a retry that re-serialises the same JSON is the same input.
  const input = JSON.stringify(parsed);
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    return { statusCode: 202, body: { requestId: name, executionArn: started.executionArn, startDate: started.startDate?.toISOString(), status: 'RUNNING' } };
  } catch (error) {
    const code = awsErrorName(error);
    if (code === 'ExecutionAlreadyExists') return existingExecution(sfn, executionArnOf(stateMachineArn, name), name, input);
    if (code === 'ExecutionLimitExceeded' || code === 'ThrottlingException') {
      return { statusCode: 429, body: { message: `Step Functions is at its limit (${code}); retry later with the same ${IDEMPOTENCY_HEADER}` } };
    }
    throw error;
  }
}

/** The execution already carrying this name: the same request (a retry) gets it back, another request a 409. */
async function existingExecution(sfn: SFNClient, executionArn: string, name: string, input: string): Promise<ApiAnswer> {
  const existing = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  if (!sameJson(existing.input, input)) {
    return {
      statusCode: 409,
      body: { message: `${IDEMPOTENCY_HEADER} ${name} was already used for a different request; send a new key for a new request`, executionArn },
    };
  }
  return { statusCode: 200, body: { requestId: name, executionArn, startDate: existing.startDate?.toISOString(), status: existing.status } };
}

function sameJson(a: string | undefined, b: string): boolean {
  try {
    return a !== undefined && JSON.stringify(JSON.parse(a)) === b;
  } catch {
    return false;
  }
}

/** GET /requests/{id}: status, the step it is in, and the result, or the error and what was rolled back. */
export async function requestStatus(sfn: SFNClient, stateMachineArn: string, requestId: string | undefined): Promise<ApiAnswer> {
  const invalid = badKey('the request id', requestId);
  if (invalid || requestId === undefined) return invalid ?? { statusCode: 400, body: {} };
  let read;
  try {
    read = await readExecution(sfn, executionArnOf(stateMachineArn, requestId));
  } catch (error) {
    if (awsErrorName(error) === 'ExecutionDoesNotExist') return { statusCode: 404, body: { message: `no request ${requestId}` } };
    throw error;
  }
  const { outcome, steps } = read;
  const currentStep = outcome.status === 'RUNNING' ? currentStepOf(steps) : undefined;
  return {
    statusCode: 200,
    body: {
      requestId,
      executionArn: outcome.executionArn,
      status: outcome.status,
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
