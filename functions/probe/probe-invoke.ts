import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, ProbeNotReady } from '../shared/errors';
import type { FailWith } from './probe-lifecycle';
import type { ProbeEvent, ProbeResult } from './types';

/** Invoke errors that mean Lambda could not place a function in these subnets: the target shares the problem. */
const PLACEMENT_ERRORS = /^(EC2|ENI|Subnet|InvalidSubnet|InvalidSecurityGroup|InvalidZip)/;

/** Invokes the probe and turns whatever comes back (its result, a function error, an odd payload) into a ProbeResult. */
export async function invokeProbe(lambda: LambdaClient, functionName: string, event: ProbeEvent, failWith: FailWith): Promise<ProbeResult> {
  const started = Date.now();
  let response;
  try {
    response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
    );
  } catch (error) {
    const name = awsErrorName(error) ?? '';
    if (name === 'ResourceNotReadyException' || name === 'ResourceConflictException') {
      throw new ProbeNotReady(`${functionName} is not ready to be invoked yet: ${(error as Error).message}`, {}, { cause: error });
    }
    if (PLACEMENT_ERRORS.test(name)) {
      throw await failWith({
        url: event.url,
        ok: false,
        elapsedMs: Date.now() - started,
        error: { kind: 'other', code: name, message: `Lambda could not run the probe in these subnets: ${(error as Error).message}` },
      });
    }
    throw error;
  }
  const elapsedMs = Date.now() - started;
  const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
  if (response.FunctionError) {
    const answer = parseJson(text) as { errorType?: unknown; errorMessage?: unknown } | undefined;
    const message = typeof answer?.errorMessage === 'string' ? answer.errorMessage : text || response.FunctionError;
    return {
      url: event.url,
      ok: false,
      elapsedMs,
      error: { kind: /timed out/i.test(message) ? 'timeout' : 'other', code: typeof answer?.errorType === 'string' ? answer.errorType : response.FunctionError, message },
    };
  }
  return normalizeProbeAnswer(parseJson(text), event, elapsedMs);
}

/**
 * The probe's answer as a ProbeResult, judged here against the expected statuses (the probe's own `ok` is not
 * trusted: an older probe, or a bare `{ statusCode }`, must be judged the same way).
 */
export function normalizeProbeAnswer(answer: unknown, event: ProbeEvent, measuredMs: number): ProbeResult {
  const record = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : undefined;
  const statusCode = typeof record?.statusCode === 'number' ? record.statusCode : undefined;
  const error = probeError(record?.error);
  if (!record || (statusCode === undefined && !error)) {
    const shown = JSON.stringify(answer) ?? String(answer);
    return { url: event.url, ok: false, elapsedMs: measuredMs, error: { kind: 'other', message: `the probe answered something that is not a probe result: ${shown.slice(0, 200)}` } };
  }
  const expected = event.expectedStatuses ?? [200];
  return {
    url: typeof record.url === 'string' ? record.url : event.url,
    ok: !error && statusCode !== undefined && expected.includes(statusCode),
    ...(statusCode !== undefined ? { statusCode } : {}),
    elapsedMs: typeof record.elapsedMs === 'number' ? record.elapsedMs : measuredMs,
    ...(error ? { error } : {}),
  };
}

function probeError(value: unknown): ProbeResult['error'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = value as Record<string, unknown>;
  const kinds = ['timeout', 'dns', 'connection', 'tls', 'other'] as const;
  const kind = kinds.find((candidate) => candidate === error.kind) ?? 'other';
  const message = typeof error.message === 'string' ? error.message : 'no message';
  return typeof error.code === 'string' ? { kind, code: error.code, message } : { kind, message };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
