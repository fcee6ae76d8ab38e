import type { IncomingHttpHeaders } from 'node:http';
import type { CallIdentity } from './aws-protocol';
import type { AccountState } from './accounts';

/** Where a proxy's control endpoints live (`<endpoint>/__lambda-egress-faults/<route>?accessKeyId=...`). */
export const CONTROL_PREFIX = '/__lambda-egress-faults';

/** One AWS call passing through the proxy, as every behaviour sees it. */
export interface ProxyCall {
  readonly identity: CallIdentity;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The caller's account (undefined for an unsigned call). */
  readonly state: AccountState | undefined;
  /** The role whose STS session credentials made the call (sts-sessions.ts). */
  readonly assumedRole: string | undefined;
  /** Set by an outer behaviour that took the call in hand (a fault rule matched): inner ones answer as moto would. */
  faulted?: boolean;
}

/** What went back to the caller, and who answered in moto's place (for the call log). */
export interface ProxyAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly injected?: string;
  readonly realism?: string;
}

export type Next = (call: ProxyCall) => Promise<ProxyAnswer>;

/** A control endpoint's answer: status and JSON payload. */
export type ControlRoute = (state: AccountState, body: string) => readonly [number, unknown];

/**
 * One concern of the proxy (account isolation aside, which the server does): it sees each call on its way to moto
 * and may answer it itself, change the answer, or pass it on. Per-account data is kept by the behaviour, keyed by
 * the AccountState object (STS sessions share their caller's).
 */
export interface ProxyBehaviour {
  handle(call: ProxyCall, next: Next): Promise<ProxyAnswer>;
  /** Control endpoints by `METHOD /route`. */
  readonly control?: Readonly<Record<string, ControlRoute>>;
  /** The account was replaced by a fresh one (POST /account): forget what was kept for it. */
  reset?(state: AccountState): void;
}

/** An EC2 query call's parameters: the form body, and the query string (the SDK sends the former). */
export function queryOf(call: Pick<ProxyCall, 'url' | 'body'>): URLSearchParams {
  const params = new URLSearchParams(call.body.toString('utf8'));
  for (const [key, value] of new URL(call.url, 'http://proxy').searchParams) if (!params.has(key)) params.set(key, value);
  return params;
}

export function textAnswer(status: number, contentType: string, text: string, marks: Pick<ProxyAnswer, 'injected' | 'realism'> = {}): ProxyAnswer {
  return { status, headers: { 'content-type': contentType }, body: Buffer.from(text, 'utf8'), ...marks };
}
