import { InvalidRequest } from './errors';

/**
 * Who asked for a change (docs/who-may-ask.md), recorded in the membership and shown by `networks`, the API
 * and the result. The caller says it, never the request body:
 * - `api`: the catalog API's SigV4 caller, from API Gateway's `requestContext.identity` (the handler writes it
 *   into the execution input; a body carrying `requestedBy` is refused);
 * - `tag`: the tag trigger, with the EventBridge event's id (the Tag Change event names the tagging principal
 *   in CloudTrail);
 * - `start-execution`: a direct StartExecution (console, CLI, SDK). Step Functions does not pass the starting
 *   principal to the execution (the context object holds the execution's id, name, role and start time:
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html); CloudTrail's
 *   StartExecution event for this execution ARN names it.
 */
export type RequestedBy =
  | { readonly via: 'api'; readonly principal: string; readonly caller?: string; readonly accountId?: string }
  | { readonly via: 'tag'; readonly eventId: string }
  | { readonly via: 'start-execution'; readonly execution: string };

/** The execution input's key the API handler and the tag trigger write. */
export const REQUESTED_BY_KEY = 'requestedBy';

/**
 * Splits the execution input into the request (checked against the request schema) and who asked: what the
 * API or the tag trigger wrote, else the execution itself (a direct StartExecution).
 */
export function splitRequestedBy(input: unknown, executionId: string): { readonly request: unknown; readonly requestedBy: RequestedBy } {
  if (!input || typeof input !== 'object' || Array.isArray(input) || !(REQUESTED_BY_KEY in input)) {
    return { request: input, requestedBy: { via: 'start-execution', execution: executionId } };
  }
  const { [REQUESTED_BY_KEY]: given, ...request } = input as Record<string, unknown>;
  return { request, requestedBy: checkRequestedBy(given) };
}

function checkRequestedBy(value: unknown): RequestedBy {
  const given = (value ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof given[key] === 'string' && (given[key] as string).length > 0 ? (given[key] as string) : undefined);
  if (given.via === 'api' && text('principal')) {
    return { via: 'api', principal: text('principal')!, ...(text('caller') ? { caller: text('caller')! } : {}), ...(text('accountId') ? { accountId: text('accountId')! } : {}) };
  }
  if (given.via === 'tag' && text('eventId')) return { via: 'tag', eventId: text('eventId')! };
  throw new InvalidRequest(
    REQUESTED_BY_KEY,
    `is written by the catalog API ({"via":"api","principal":...}) or the tag trigger ({"via":"tag","eventId":...}), got ${JSON.stringify(value)?.slice(0, 200)}: leave it out of a request you start yourself (the execution is recorded as the one who asked)`,
  );
}

/** Who asked for an execution, from its input (GET /requests/{id}); undefined when the input is not a request. */
export function requestedByOfInput(input: string | undefined, executionArn: string): RequestedBy | undefined {
  try {
    return splitRequestedBy(JSON.parse(input ?? ''), executionArn).requestedBy;
  } catch {
    return undefined;
  }
}

/** One line for people: `networks` and the report. */
export function describeRequestedBy(requestedBy: RequestedBy | undefined): string {
  if (!requestedBy) return 'not recorded';
  if (requestedBy.via === 'api') return `${requestedBy.principal} (catalog API${requestedBy.caller && requestedBy.caller !== requestedBy.principal ? `, as ${requestedBy.caller}` : ''})`;
  if (requestedBy.via === 'tag') return `tag (event ${requestedBy.eventId})`;
  return `StartExecution (${requestedBy.execution}; CloudTrail names the caller)`;
}
