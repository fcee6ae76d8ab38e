import type { LockTaskInput } from '../membership/types';
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
