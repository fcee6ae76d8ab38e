import type { LockTaskInput } from '../lock/types';
import type { MembershipRecord } from '../shared/registry/records';
import type { ExecutionContext } from '../shared/types';
import type { FailedStep, PendingStep, RollbackStep } from './types';

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
  /** The VpcConfig the network gave its members: whose Lambda ENIs the release waits for before detaching the policy. */
  readonly networkVpcConfig: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
}

/** `$.restore`: RestoreFunction. */
export interface RestoreSlice {
  readonly outcome: 'restored' | 'unchanged' | 'already-gone';
  /** Whether the ASL waits for Lambda to apply the update (CheckFunctionUpdate loop). */
  readonly waitForUpdate: boolean;
  readonly roleName?: string;
  /** True when RestoreFunction attached AWSLambdaVPCAccessExecutionRole for the release. */
  readonly policyAttachedForRelease: boolean;
}

/** `$.rolePolicy`: one pass of RestoreRolePolicy. */
export interface RolePolicySlice {
  readonly done: boolean;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Lambda ENIs of the released configuration still there: what the loop waits for. */
  readonly waitingFor: string[];
  readonly detached: boolean;
  readonly reason: string;
}

/** `$.membershipRemoved`: RemoveMembership. */
export interface MembershipRemovedSlice {
  readonly network: string;
  readonly removed: boolean;
  readonly remainingMembers: string[];
  /** Continue into the teardown: teardownIfUnused was asked and nobody is left. */
  readonly teardown: boolean;
}
