import type { IAMClient } from '@aws-sdk/client-iam';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { REQUESTED_BY_KEY, type RequestedBy } from '../shared/requested-by';
import { checkCaller, targetFunctionArn } from './caller-check';
import type { ApiAnswer } from './requests';
import { startRequest } from './start';

/**
 * POST /requests with "who may ask" (docs/who-may-ask.md) before StartExecution: the SigV4 caller is required
 * and becomes `requestedBy`; a body naming its own requestedBy is refused; with the caller check on, a caller
 * IAM would not let change the function gets a 403 and no execution starts.
 */
export async function startCheckedRequest(
  clients: { readonly sfn: SFNClient; readonly iam?: IAMClient },
  stateMachineArn: string,
  request: { readonly idempotencyKey?: string; readonly body?: string | null; readonly requestedBy?: Extract<RequestedBy, { via: 'api' }> },
): Promise<ApiAnswer> {
  const { requestedBy } = request;
  if (!requestedBy) return { statusCode: 403, body: { message: 'no caller identity in the request context: the catalog API needs SigV4 (IAM) authorization' } };
  const parsed = parseObject(request.body);
  if (parsed && REQUESTED_BY_KEY in parsed) {
    return { statusCode: 400, body: { message: `the body must not carry ${REQUESTED_BY_KEY}: the API records the SigV4 caller as the one who asked; remove the field` } };
  }
  if (clients.iam && typeof parsed?.functionName === 'string') {
    const denied = await checkCaller(clients.iam, requestedBy, targetFunctionArn(parsed.functionName, stateMachineArn));
    if (denied) return denied;
  }
  return startRequest(clients.sfn, stateMachineArn, { ...request, requestedBy });
}

/** The body as an object, or undefined (startRequest answers a body that is not JSON). */
function parseObject(body: string | null | undefined): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
