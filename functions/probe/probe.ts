/**
 * The probe: runs INSIDE the VPC as its own small Lambda function (lambda-egress-probe-<network>), on the
 * same subnets and security group as the user's function, and answers one question — does an HTTP(S) GET of
 * this URL come back from here? Network failures are results, never exceptions: a crash would only say
 * "Unhandled", a result says why.
 *
 * Self-contained on purpose: Node built-ins and the global fetch only, no imports. It is compiled on its own
 * into probe-code.generated.ts (see build-probe-code.ts) and shipped as a one-file zip.
 */

export interface ProbeEvent {
  readonly url: string;
  readonly timeoutSeconds: number;
  /** Statuses that count as success; default: any 2xx. */
  readonly expectedStatuses?: readonly number[];
}

type ProbeErrorKind = 'timeout' | 'dns' | 'connection' | 'tls' | 'other';

export interface ProbeResult {
  readonly url: string;
  /** True when a response came back with an expected status. */
  readonly ok: boolean;
  /** The HTTP status of the response (after redirects), when one came back. */
  readonly statusCode?: number;
  /** From the start of the request until the response headers (or the failure). */
  readonly elapsedMs: number;
  /** Why no response came back. */
  readonly error?: { readonly kind: ProbeErrorKind; readonly code?: string; readonly message: string };
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

export async function handler(event: ProbeEvent): Promise<ProbeResult> {
  const url = String(event?.url ?? '');
  const timeoutMs = Math.max(1, Number(event?.timeoutSeconds) || 3) * 1000;
  const expected = Array.isArray(event?.expectedStatuses) && event.expectedStatuses.length > 0 ? event.expectedStatuses : undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { method: 'GET', signal: controller.signal, headers: { 'user-agent': 'lambda-egress-probe' } });
    const elapsedMs = elapsed();
    // Only the status matters: do not download the body.
    await response.body?.cancel().catch(() => undefined);
    const statusCode = response.status;
    const ok = expected ? expected.includes(statusCode) : statusCode >= 200 && statusCode < 300;
    return { url, ok, statusCode, elapsedMs };
  } catch (error) {
    const elapsedMs = elapsed();
    return { url, ok: false, elapsedMs, error: classify(error, controller.signal.aborted, timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: unknown, aborted: boolean, timeoutMs: number): NonNullable<ProbeResult['error']> {
  if (aborted) return { kind: 'timeout', message: `no response within ${timeoutMs / 1000} s` };
  // fetch wraps the network error: TypeError('fetch failed', { cause }), the cause carries the code.
  const cause = (error as { cause?: unknown })?.cause;
  const root = (cause ?? error) as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof root?.code === 'string' ? root.code : undefined;
  const message = typeof root?.message === 'string' && root.message ? root.message : String(error);
  if (code && DNS_CODES.has(code)) return { kind: 'dns', code, message };
  if (code && TIMEOUT_CODES.has(code)) return { kind: 'timeout', code, message };
  if (code && CONNECTION_CODES.has(code)) return { kind: 'connection', code, message };
  if (code && isTlsCode(code)) return { kind: 'tls', code, message };
  if (!code && /ssl|tls|certificate/i.test(message)) return { kind: 'tls', message };
  return code ? { kind: 'other', code, message } : { kind: 'other', message };
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('CERT_') ||
    code === 'EPROTO' ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
  );
}
