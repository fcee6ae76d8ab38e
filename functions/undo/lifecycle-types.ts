import type { LockTaskInput } from '../lock/types';
import type { MembershipRecord } from '../shared/registry/records';
import type { ExecutionContext } from '../shared/types';
import type { FailedStep, PendingStep, RollbackStep } from './types';

/** The network part of a lock request, as the registry's network record gives it. */
export type LockedNetwork = LockTaskInput['request']['network'];

/** ValidateTeardown's input: the execution input (`{ network }`, from release also `{ release }`). */
export interface ValidateTeardownInput {
  readonly input: { readonly network?: unknown; readonly release?: unknown };
  readonly execution: ExecutionContext;
}

/** The state ValidateTeardown starts the teardown with. */
export interface TeardownState extends LockTaskInput {
  readonly purpose: 'teardown';
  /** What the release before it did, when a release continued into the teardown. */
  readonly release?: unknown;
}

/** `$.teardown`: one pass of TeardownNetwork. */
export interface TeardownPass {
  readonly network: string;
  readonly complete: boolean;
  /** 1 on the first pass; the ASL passes the previous slice back, so the wait is bounded. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** What AWS still makes the teardown wait for, each `kind id (reason)`: the visible part of the loop. */
  readonly waitingFor: string[];
  readonly steps: RollbackStep[];
  /** True when the network had no record left (a teardown run twice). */
  readonly alreadyGone?: boolean;
}

export interface TeardownNetworkInput extends LockTaskInput {
  readonly teardown?: Pick<TeardownPass, 'attempt'>;
}

export type { FailedStep, PendingStep };

/** ValidateRelease's input: the execution input. */
export interface ValidateReleaseInput {
  readonly input: { readonly functionName?: unknown; readonly teardownIfUnused?: unknown };
  readonly execution: ExecutionContext;
}

/** The state ValidateRelease starts the release with. */
export interface ReleaseState extends LockTaskInput {
  readonly purpose: 'release';
  readonly request: LockTaskInput['request'] & { readonly functionArn: string; readonly functionName: string; readonly teardownIfUnused: boolean };
  readonly membership: MembershipRecord;
}
