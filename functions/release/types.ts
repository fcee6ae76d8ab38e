import type { FunctionUpdateCheck } from '../function/types';
import type { LockTaskInput, NetworkLockSlice, NetworkUnlockSlice } from '../membership/types';
import type { MembershipRecord } from '../shared/registry/records';
import type { FunctionVpcConfig } from '../shared/state/function-config';
import type { ExecutionContext } from '../shared/types';

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
  readonly networkVpcConfig: Pick<FunctionVpcConfig, 'subnetIds' | 'securityGroupIds'>;
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

/**
 * The release workflow's state (statemachine/release.definition.ts), declared once: ValidateRelease's result,
 * then each slice at its ResultPath. A release that continues into a teardown starts TeardownWorkflowState anew
 * (StartTeardown). test/statemachine/provision-state.test.ts ties the keys to release.asl.json.
 */
export interface ReleaseWorkflowState extends ReleaseState {
  /** AcquireNetworkLock. */
  readonly lock?: NetworkLockSlice;
  readonly restore?: RestoreSlice;
  /** StartFunctionWait/CountFunctionWait, and CheckFunctionUpdate at `.check`. */
  readonly functionWait?: { readonly attempt: number; readonly maxAttempts: number; readonly check?: FunctionUpdateCheck };
  readonly rolePolicy?: RolePolicySlice;
  readonly membershipRemoved?: MembershipRemovedSlice;
  /** ReleaseNetworkLock, ReleaseNetworkLockAfterFailure. */
  readonly unlock?: NetworkUnlockSlice;
  /** Where a Catch puts the error. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** The top-level keys of ReleaseWorkflowState, at run time. */
export const RELEASE_STATE_KEYS = [
  'execution',
  'request',
  'purpose',
  'membership',
  'networkVpcConfig',
  'lock',
  'restore',
  'functionWait',
  'rolePolicy',
  'membershipRemoved',
  'unlock',
  'error',
] as const satisfies ReadonlyArray<keyof ReleaseWorkflowState>;
