import type { FunctionVpcConfig, OriginalFunctionRecord as RecordedFunction } from '../shared/state/function-config';
import type { ExecutionContext, ResourceKind } from '../shared/types';

/** What rollback and the release's restore need of the record RecordFunction made before anything changed. */
export type OriginalFunctionRecord = Pick<RecordedFunction, 'functionArn' | 'functionName' | 'roleName' | 'vpcConfig' | 'vpcAccessPolicyAttached'>;

/** Rollback's input: whatever state the failing execution had, plus the caught error. */
export interface RollbackInput {
  readonly execution: ExecutionContext;
  /** `attach`: AttachFunction's slice, present once the function was moved onto the network (its ENIs follow). */
  readonly function?: { readonly original?: OriginalFunctionRecord; readonly attach?: Pick<FunctionVpcConfig, 'subnetIds' | 'securityGroupIds'> };
  /** The normalised request: Rollback looks for NAT alarms this execution created only when it asked for them, and for the narrow ENI policy. */
  readonly request?: { readonly network?: { readonly name: string; readonly alarms?: boolean; readonly natGateways?: string }; readonly keepNarrowEniPolicy?: boolean };
  readonly error?: { readonly Error?: string; readonly Cause?: string };
  /** RecordMembership's slice: present when the failure came after the membership was written. */
  readonly membership?: { readonly functionArn?: string };
  readonly [slice: string]: unknown;
}

/** `kept`: an Elastic IP left allocated for its network (network.keepEgressIps, functions/undo/keep-address.ts). */
export type RollbackOutcome = 'deleted' | 'restored' | 'detached' | 'already-gone' | 'unchanged' | 'kept';

export interface RollbackStep {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly outcome: RollbackOutcome;
}

export interface PendingStep {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly reason: string;
}

/** An undo step that failed for good (UnauthorizedOperation, AccessDenied, ...): left for a person, with its error. */
export interface FailedStep {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly error: string;
}

/** `$.rollback`: what was undone. Returned only when nothing is left. */
export interface RollbackReport {
  readonly executionId: string;
  readonly originalError?: { readonly Error?: string; readonly Cause?: string };
  readonly steps: RollbackStep[];
}
