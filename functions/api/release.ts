import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ProvisionResult } from '../report/types';
import { describeNamedExecution, executionFields, startNamedExecution, throttled } from './named-execution';
import { invalidRequestId, type ApiAnswer } from './requests';

interface ReleaseMachines {
  /** The provisioning state machine: its execution named after the request says which function it moved. */
  readonly provision: string;
  readonly release: string;
}

/**
 * DELETE /requests/{id}: releases the function that request provisioned. The release execution carries the
 * request id as its name, so a repeated DELETE answers that same execution (202 while it runs, 200 once it
 * ended, with how it ended) and never starts a second one.
 */
export async function releaseRequest(sfn: SFNClient, machines: ReleaseMachines, requestId: string | undefined): Promise<ApiAnswer> {
  const invalid = invalidRequestId('the request id', requestId);
  if (invalid || requestId === undefined) return invalid ?? { statusCode: 400, body: {} };
  const provision = await describeNamedExecution(sfn, machines.provision, requestId);
  if (!provision) return { statusCode: 404, body: { message: `no request ${requestId} (Step Functions keeps a request for 90 days after it ended; release an older one with lambda-egress release --function NAME)` } };
  if (provision.status === 'RUNNING') {
    return { statusCode: 409, body: { message: `request ${requestId} is still running; DELETE it once GET /requests/${requestId} says it ended`, requestId } };
  }
  const functionArn = provision.status === 'SUCCEEDED' ? functionArnOf(provision.output) : undefined;
  if (!functionArn) {
    return {
      statusCode: 409,
      body: { message: `request ${requestId} ended ${provision.status ?? 'without a result'}: it moved no function, so there is nothing to release (GET /requests/${requestId} says what happened)`, requestId },
    };
  }

  let named;
  try {
    named = await startNamedExecution(sfn, machines.release, requestId, JSON.stringify({ functionName: functionArn }));
  } catch (error) {
    const limited = throttled(error);
    if (limited) return limited;
    throw error;
  }
  if (named.kind === 'taken') {
    return { statusCode: 409, body: { message: `a release named ${requestId} exists for another function; release ${functionArn} with lambda-egress release --function`, executionArn: named.executionArn } };
  }
  if (named.kind === 'started') return { statusCode: 202, body: { requestId, functionArn, ...executionFields({ ...named, status: 'RUNNING' }) } };
  const { execution } = named;
  return {
    statusCode: execution.status === 'RUNNING' ? 202 : 200,
    body: { requestId, functionArn, ...executionFields({ executionArn: execution.executionArn ?? '', status: execution.status ?? 'RUNNING', startDate: execution.startDate, error: execution.error, cause: execution.cause }) },
  };
}

/** The function a succeeded provision moved: `functionArn` of its result (README "Output"). */
function functionArnOf(output: string | undefined): string | undefined {
  try {
    const result = JSON.parse(output ?? '') as Partial<ProvisionResult>;
    return typeof result.functionArn === 'string' && result.functionArn.length > 0 ? result.functionArn : undefined;
  } catch {
    return undefined;
  }
}
