import type { LockTaskInput, NetworkLockSlice, NetworkUnlockSlice } from '../membership/types';
import type { ExecutionContext } from '../shared/types';
import type { RollbackStep } from '../undo/types';

/** The network part of a lock request, as the registry's network record gives it. */
export type LockedNetwork = LockTaskInput['request']['network'];

/** ValidateTeardown's input: the execution input (`{ network }`, from release also `{ release }`). */
export interface ValidateTeardownInput {
  readonly input: { readonly network?: unknown; readonly release?: unknown; readonly releaseEgressIps?: unknown };
  readonly execution: ExecutionContext;
}

/** The state ValidateTeardown starts the teardown with. */
export interface TeardownState extends LockTaskInput {
  readonly purpose: 'teardown';
  /** What the release before it did, when a release continued into the teardown. */
  readonly release?: unknown;
  /** `teardown --release-egress-ips`: release the network's Elastic IPs even when it was built with keepEgressIps. */
  readonly releaseEgressIps?: boolean;
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
  /** `kind:id` of every ledger entry gone so far, over the passes: a later pass does not ask AWS again. */
  readonly gone?: string[];
  /** True when the network had no record left (a teardown run twice). */
  readonly alreadyGone?: boolean;
}

export interface TeardownNetworkInput extends LockTaskInput {
  readonly teardown?: Pick<TeardownPass, 'attempt' | 'gone'>;
  readonly releaseEgressIps?: boolean;
}

/**
 * The teardown workflow's state (statemachine/teardown.definition.ts and the teardown states of
 * release.definition.ts), declared once: ValidateTeardown's result, then each slice at its ResultPath.
 * test/statemachine/provision-state.test.ts ties the keys to both ASL files.
 */
export interface TeardownWorkflowState extends TeardownState {
  /** AcquireNetworkLock. */
  readonly lock?: NetworkLockSlice;
  /** TeardownNetwork: its last pass (the ASL passes it back in for the next). */
  readonly teardown?: TeardownPass;
  /** ReleaseNetworkLock, ReleaseNetworkLockAfterFailure. */
  readonly unlock?: NetworkUnlockSlice;
  /** Where a Catch puts the error. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** The top-level keys of TeardownWorkflowState, at run time. */
export const TEARDOWN_STATE_KEYS = ['execution', 'request', 'purpose', 'release', 'releaseEgressIps', 'lock', 'teardown', 'unlock', 'error'] as const satisfies ReadonlyArray<
  keyof TeardownWorkflowState
>;

