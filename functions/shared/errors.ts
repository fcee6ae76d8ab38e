/**
 * The errors of the state machine's contract. Each `name` is the exact string an ASL `Retry`/`Catch`
 * `ErrorEquals` matches, or a Fail state raises; a test checks that this module and
 * statemachine/provision.asl.json agree. Three kinds (the groups at the end of this file): retried by name,
 * final (a task throws it, the `States.ALL` Catch reports it), and raised only by an ASL Fail state.
 */
abstract class LambdaEgressError extends Error {
  abstract override readonly name: string;
  /** The plain-English sentence, without the details line. */
  readonly summary: string;
  /**
   * Structured facts for the caller (field, ids, AWS codes, probe result). Lambda passes only errorType and
   * errorMessage on to Step Functions, so they travel as a JSON line after the summary (see parseErrorMessage).
   */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(Object.keys(details).length > 0 ? `${message}\n${DETAILS_PREFIX}${JSON.stringify(details)}` : message, options);
    this.summary = message;
    this.details = details;
  }
}

export const DETAILS_PREFIX = 'details: ';

/** Splits an errorMessage made by LambdaEgressError back into its sentence and its details. */
export function parseErrorMessage(message: string): { summary: string; details: Record<string, unknown> } {
  const at = message.lastIndexOf(`\n${DETAILS_PREFIX}`);
  if (at < 0) return { summary: message, details: {} };
  try {
    const details = JSON.parse(message.slice(at + DETAILS_PREFIX.length + 1)) as Record<string, unknown>;
    return { summary: message.slice(0, at), details };
  } catch {
    return { summary: message, details: {} };
  }
}

/** The request is malformed or names something that does not exist; nothing was created. */
export class InvalidRequest extends LambdaEgressError {
  override readonly name = 'InvalidRequest';
  constructor(
    readonly field: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(`${field}: ${message}`, { field, ...details });
  }
}

/**
 * The function (or its execution role) is outside what lambda-egress may change for this request: the stack's
 * scope (targetFunctions, targetRoles) or the network's allowedFunctions. Names the rule; nothing was created.
 */
export class FunctionNotAllowed extends LambdaEgressError {
  override readonly name = 'FunctionNotAllowed';
  constructor(
    readonly rule: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(`${rule}: ${message}`, { rule, ...details });
  }
}

/**
 * A join (a shared claim on a ready network, docs/joins.md) found part of the network missing: a join never
 * creates network resources. The state machine rolls back what the join did and starts again under the
 * network's exclusive lock, which repairs it.
 */
export class NetworkNeedsRepair extends LambdaEgressError {
  override readonly name = 'NetworkNeedsRepair';
}

/** An existing VPC cannot be given egress without changing something lambda-egress did not create. */
export class NetworkNotRepairable extends LambdaEgressError {
  override readonly name = 'NetworkNotRepairable';
}

/** AWS reports a NAT gateway as `failed`; carries AWS's failure code and message. */
export class NatGatewayFailed extends LambdaEgressError {
  override readonly name = 'NatGatewayFailed';
}

/**
 * The NAT wait loop ran out of attempts while a NAT gateway was still pending. Raised only by the ASL Fail
 * state of that name: no task throws it; the class puts its name in FAIL_STATE_ERRORS, where callers match on it.
 */
class NatGatewayTimeout extends LambdaEgressError {
  override readonly name = 'NatGatewayTimeout';
}

/** Lambda refused an update because an earlier one is still in progress (ResourceConflictException): retry. */
export class FunctionUpdateInProgress extends LambdaEgressError {
  override readonly name = 'FunctionUpdateInProgress';
}

/** The execution role's new permissions have not propagated yet (IAM is eventually consistent): retry. */
export class RolePropagationDelay extends LambdaEgressError {
  override readonly name = 'RolePropagationDelay';
}

/** Lambda reports LastUpdateStatus `Failed`; carries LastUpdateStatusReason. */
export class FunctionUpdateFailed extends LambdaEgressError {
  override readonly name = 'FunctionUpdateFailed';
}

/**
 * The function-update wait loop ran out of attempts while the update was still in progress. Raised only by
 * the ASL (a Pass of that name records it for Rollback, RolledBack raises it): no task throws it; the class
 * puts its name in FAIL_STATE_ERRORS, where callers match on it.
 */
class FunctionUpdateTimeout extends LambdaEgressError {
  override readonly name = 'FunctionUpdateTimeout';
}

/** The probe function is not ready to be invoked yet (still Pending / updating): retry. */
export class ProbeNotReady extends LambdaEgressError {
  override readonly name = 'ProbeNotReady';
}

/**
 * The probe function's wait loop ran out of attempts while Lambda was still setting it up (Pending: creating
 * its Hyperplane ENIs). Raised only by the ASL Fail state of that name: no task throws it.
 */
class ProbeFunctionTimeout extends LambdaEgressError {
  override readonly name = 'ProbeFunctionTimeout';
}

/** The probe could not reach the URL from the function's subnets; carries the probe result and the diagnosis. */
export class ProbeFailed extends LambdaEgressError {
  override readonly name = 'ProbeFailed';
}

/** A resource to delete is still in use (Lambda ENIs, a NAT still deleting): retry with back-off. */
export class ResourceStillInUse extends LambdaEgressError {
  override readonly name = 'ResourceStillInUse';
}

/**
 * Rollback gave up; its Cause says what is left and why, so a person can finish by hand. Raised only by the
 * ASL Fail state of that name (after the Rollback task's last retry): no task throws it.
 */
export class RollbackIncomplete extends LambdaEgressError {
  override readonly name = 'RollbackIncomplete';
}

/** The network lock stayed held by another execution through every attempt of the wait loop; names the holder. */
export class LockTimeout extends LambdaEgressError {
  override readonly name = 'LockTimeout';
}

/** Another live execution is changing the same function; names it. Never two interleaved VpcConfig updates. */
export class FunctionBusy extends LambdaEgressError {
  override readonly name = 'FunctionBusy';
}

/** Teardown refused: functions are still members of the network; names each one. Nothing was deleted. */
export class NetworkInUse extends LambdaEgressError {
  override readonly name = 'NetworkInUse';
}

/**
 * Teardown refused up front: something outside lambda-egress's reach keeps the network's subnets or security
 * group in use for good (a published Lambda version on them, another group's rule referencing the group); names
 * each and the command that frees it. Nothing was deleted.
 */
export class TeardownBlocked extends LambdaEgressError {
  override readonly name = 'TeardownBlocked';
}

/** Teardown could not delete part of the network for good; its message lists what is left, each with its id and error. */
export class TeardownIncomplete extends LambdaEgressError {
  override readonly name = 'TeardownIncomplete';
}

/**
 * Teardown waited its last attempt while AWS still held something (Lambda ENIs in use, a NAT deleting); names
 * what it waited for. The network stays `deleting`: run the teardown again.
 */
export class TeardownTimeout extends LambdaEgressError {
  override readonly name = 'TeardownTimeout';
}

/**
 * EC2 answered that a resource does not exist (InvalidVpcID.NotFound, ...): right after its creation that only
 * means it has not propagated yet (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html), so
 * the task is retried with back-off (RETRY.notYetVisible); after the last attempt this name ends the execution,
 * with AWS's code and the id in its details. Thrown in place of the SDK error by functions/shared/eventual-consistency.ts.
 */
export class ResourceNotYetVisible extends LambdaEgressError {
  override readonly name = 'ResourceNotYetVisible';
}

/** Thrown by a task for the ASL to retry by name (retry-policies.ts). */
const RETRIED_ERRORS = { FunctionUpdateInProgress, RolePropagationDelay, ProbeNotReady, ResourceStillInUse, ResourceNotYetVisible } as const;

/**
 * Thrown by a task to end the execution: no Catch names them; the `States.ALL` Catch takes them to Rollback or
 * RequestRejected, whose Fail state raises them again by name (ErrorPath).
 */
export const FINAL_ERRORS = { InvalidRequest, FunctionNotAllowed, NetworkNotRepairable, NetworkNeedsRepair, NatGatewayFailed, FunctionUpdateFailed, ProbeFailed, NetworkInUse, TeardownBlocked, TeardownIncomplete, TeardownTimeout } as const;

/** Thrown by AcquireNetworkLock's last attempt and caught by name: straight to a Fail, this execution holds no lock. */
const LOCK_ERRORS = { LockTimeout, FunctionBusy } as const;

/** Raised only by the ASL (its Fail states, or a Pass that records the error for Rollback), never thrown by a task. */
export const FAIL_STATE_ERRORS = { NatGatewayTimeout, ProbeFunctionTimeout, FunctionUpdateTimeout, RollbackIncomplete } as const;

/** Every error class, by name: the ASL contract. */
export const ROUTED_ERRORS = { ...RETRIED_ERRORS, ...FINAL_ERRORS, ...LOCK_ERRORS, ...FAIL_STATE_ERRORS } as const;

export type RoutedErrorName = keyof typeof ROUTED_ERRORS;

/** AWS error names (SDK `error.name`) the ASL retries as throttling or transient. */
export const AWS_THROTTLING_ERRORS = ['ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'Throttling'] as const;
/**
 * What Step Functions reports when invoking a task's Lambda function fails in the Lambda service, not in the task:
 * the list AWS advises to retry (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
] as const;
/**
 * AWS error names (SDK `error.name`) of transient server-side failures the ASL retries, every service's once:
 * EC2 InternalError/Unavailable, Lambda ServiceException, IAM ServiceFailure and ConcurrentModification (the SDK
 * names them ...Exception), DynamoDB InternalServerError, CloudWatch InternalServiceFault, and a connection the
 * network dropped (functions/shared/eventual-consistency.ts names it ConnectionReset).
 */
export const AWS_TRANSIENT_ERRORS = [
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'ServiceException',
  'ServiceFailure',
  'ServiceFailureException',
  'ConcurrentModification',
  'ConcurrentModificationException',
  'InternalServerError',
  'InternalServiceFault',
  'ConnectionReset',
  'TimeoutError',
] as const;

/** The AWS error name of anything thrown by an SDK v3 client, or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** "Already gone" answers count as done in rollback and in find-or-create paths. */
export function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error) ?? '';
  return /NotFound|NoSuchEntity|ResourceNotFoundException/.test(name);
}

const RETRIED_AWS_ERRORS: ReadonlySet<string> = new Set([...AWS_THROTTLING_ERRORS, ...AWS_TRANSIENT_ERRORS]);

/** Whether an SDK error is one the ASL retries as throttling or transient (the lists above): "try again later". */
export function isTransientAwsError(error: unknown): boolean {
  return RETRIED_AWS_ERRORS.has(awsErrorName(error) ?? '');
}

/**
 * A read whose "not found" means "there is none": the answer, or undefined when the error is a not-found
 * (isNotFound unless told otherwise); any other error is thrown unchanged.
 */
export async function undefinedWhenNotFound<T>(read: Promise<T>, notFound: (error: unknown) => boolean = isNotFound): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}
