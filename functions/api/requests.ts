/**
 * The catalog API's two operations over the deployed state machine. The idempotency key is the execution
 * name: Step Functions refuses a second execution of that name, so a retried POST never starts a second
 * workflow (StartExecution with the same name and input is idempotent while it runs; afterwards the
 * existing execution is returned).
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The environment variables naming the state machines the API functions start or read. */
export const PROVISION_STATE_MACHINE_ENV = 'STATE_MACHINE_ARN';
export const RELEASE_STATE_MACHINE_ENV = 'RELEASE_STATE_MACHINE_ARN';
export const TEARDOWN_STATE_MACHINE_ENV = 'TEARDOWN_STATE_MACHINE_ARN';
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

export function invalidRequestId(what: string, value: string | undefined): ApiAnswer | undefined {
  if (value !== undefined && REQUEST_ID_PATTERN.test(value)) return undefined;
  return {
    statusCode: 400,
    body: {
      message: `${what} must be 1 to 80 letters, digits, '-' or '_' (got ${value === undefined ? 'none' : JSON.stringify(value.slice(0, 100))}); use a UUID or your catalog's order id`,
    },
  };
}
