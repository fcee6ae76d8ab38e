/** A rule the fault proxy applies to the Nth call (1-based) of one action, for one test's access key. */
export interface FaultRule {
  readonly service: string;
  readonly action: string;
  /** First matching call to affect, 1-based. Default 1. */
  readonly nth?: number;
  /** How many consecutive calls from the Nth on to affect. Default 1; Infinity is sent as -1. */
  readonly times?: number;
  readonly fault: Fault;
}

export type Fault =
  | { readonly type: 'error'; readonly code: string; readonly status: number; readonly message?: string }
  | { readonly type: 'delay'; readonly ms: number }
  /** Forwards the call, then rewrites the response body: answers a read with a given state. */
  | { readonly type: 'rewrite'; readonly replacements: ReadonlyArray<{ readonly pattern: string; readonly replacement: string }> };

/** One call that passed through the proxy. */
export interface CallRecord {
  readonly service: string;
  readonly action: string;
  readonly status: number;
  /** 'realism': answered by the realism profile (local/realism-profile.ts), `realism` says which behaviour. */
  readonly injected?: Fault['type'] | 'realism';
  readonly realism?: string;
  /** The label the test had set when the call passed (emulator.label): which task made it. */
  readonly label?: string;
  /** The role whose STS session credentials made the call (issued by an AssumeRole through the proxy). */
  readonly assumedRole?: string;
  /** Only while details are recorded (emulator.recordDetails): what was sent and answered, for the IAM simulation. */
  readonly details?: CallDetails;
}

interface CallDetails {
  readonly method: string;
  readonly path: string;
  readonly requestBody: string;
  readonly responseBody: string;
}

