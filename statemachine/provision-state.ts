import type { FunctionUpdateCheck, OriginalFunction, AttachedFunction, VpcAccessPolicyAttachment, DetachResult } from '../functions/function/types';
import type { MembershipSlice, NetworkLockSlice, NetworkUnlockSlice } from '../functions/membership/types';
import type { AlreadyMember, NatGatewaysCheck, NatGatewaySlice, NetworkState, S3EndpointSlice, SecurityGroupSlice, ValidatedState } from '../functions/network/types';
import type { JoinNetworkCheck, JoinProbeSlice, ProbeFunctionCheck, ProbeFunctionSlice, ProbeSlice } from '../functions/probe/types';
import type { TaskTiming } from '../functions/shared/task-handler';
import type { RollbackReport } from '../functions/undo/types';

/**
 * The provision workflow's state, declared once: each key is written by the states of
 * statemachine/provision.definition.ts named beside it, at that ResultPath. The slice types stay with the tasks
 * that produce them (functions/<area>/types.ts); this module only composes them. It lives in statemachine/, the
 * layer that knows the ResultPaths, because it needs slices of every area and an area imports only lower ones
 * (test/architecture/import-graph.ts): a task declares what it reads as its input type, and
 * test/statemachine/provision-state.test.ts proves each task's input is a slice of this state
 * (`Pick<ProvisionState, PROVISION_TASK_READS[task]>` is assignable to it) and that the ASL writes no
 * top-level key this type lacks.
 */
export interface ProvisionState extends Omit<ValidatedState, 'alreadyMember'> {
  /** ValidateRequest: a repeated request; the `AlreadyMember?` choice then goes to ReportAlreadyMember (AlreadyMemberState). */
  readonly alreadyMember?: AlreadyMember;
  /** ValidateRequest's timing: its result is the state. */
  readonly timing?: TaskTiming;
  /** RecordFunction (`$.function.original`), AttachVpcAccessPolicy (`$.function.vpcAccessPolicy`), AttachFunction (`$.function.attach`). */
  readonly function?: FunctionState;
  /** AcquireNetworkLock. */
  readonly lock?: NetworkLockSlice;
  /** NoAudit/AuditExistingVpc, EnsureVpc, EnsureSubnets, EnsureInternetGateway, EnsureSecurityGroup, the EnsureNatGateways Map, EnsureRouteTables, EnsureS3Endpoint (each at `$.network.<slice>`). */
  readonly network?: NetworkState & {
    readonly s3Endpoint?: S3EndpointSlice;
    /** NetworkFromRecord (a join from the registry record): the recorded S3 endpoint CheckJoinNetwork checks. */
    readonly s3EndpointId?: string;
  };
  /** EnsureProbeFunction. */
  readonly probeFunction?: ProbeFunctionSlice;
  /** The poll loops: StartNatWait/CountNatWait and CheckNatGateways (`.check`), likewise for the probe function and the function's update. */
  readonly natWait?: PollCounter<NatGatewaysCheck>;
  readonly probeWait?: PollCounter<ProbeFunctionCheck>;
  readonly functionWait?: PollCounter<FunctionUpdateCheck>;
  /** PrepareInParallel: one settled result per branch (the NAT gateways', the probe function's). */
  readonly parallel?: readonly [SettledBranch<NatBranchResult>, SettledBranch<ProbeFunctionBranchResult>];
  /** MergeParallelResults: the NAT gateways' last check. */
  readonly natCheck?: NatGatewaysCheck;
  /** MergeParallelResults and FunctionReady. */
  readonly waits?: { readonly natGatewayChecks?: number; readonly probeFunctionChecks?: number; readonly functionUpdateChecks?: number };
  /**
   * ProveAndAddS3Endpoint: one settled result per branch (the probe's, the S3 endpoint's); or a join's ProveJoin
   * (provision-join.ts): the drift check's, the probe's, the function's record and VPC access policy.
   */
  readonly proof?:
    | readonly [SettledBranch<{ readonly probe: ProbeSlice }>, SettledBranch<{ readonly s3Endpoint: S3EndpointSlice }>]
    | readonly [SettledBranch<JoinNetworkCheck>, SettledBranch<{ readonly probe: JoinProbeSlice }>, SettledBranch<{ readonly original: OriginalFunction; readonly vpcAccessPolicy: VpcAccessPolicyAttachment }>];
  /** CheckJoinNetwork, inside ProveJoin's first branch. */
  readonly joinCheck?: JoinNetworkCheck;
  /** RunProbe, kept by KeepProbeResult. */
  readonly probe?: ProbeSlice;
  /** RecordAndDetach: one settled result per branch (RecordMembership then ReleaseNetworkLock; DetachVpcAccessPolicy). */
  readonly closing?: readonly [SettledBranch<{ readonly membership: MembershipSlice; readonly unlock: NetworkUnlockSlice }>, SettledBranch<{ readonly detach: DetachResult }>];
  /** RecordMembership, kept by KeepMembership (or KeepMembershipForRollback when the other branch failed). */
  readonly membership?: MembershipSlice;
  /** ReleaseNetworkLock, ReleaseNetworkLockAfterRollback, ReleaseNetworkLockAndFail. */
  readonly unlock?: NetworkUnlockSlice;
  /** DetachVpcAccessPolicy. */
  readonly detach?: DetachResult;
  /** Rollback. */
  readonly rollback?: RollbackReport;
  /** Where a Catch (or a timeout's Pass state) puts the error: `Cause` may carry the ledger of a task that failed after creating (ledger-on-error.ts). */
  readonly error?: CaughtError;
  readonly rollbackError?: CaughtError;
  readonly unlockError?: CaughtError;
}

/** What ReportAlreadyMember hands ReportResult: the registry's record of the network, in the slices' shapes. */
export interface AlreadyMemberState extends Pick<ProvisionState, 'execution' | 'request' | 'requestedBy' | 'timing'> {
  readonly alreadyMember: true;
  readonly network: AlreadyMember['network'];
  readonly function: AlreadyMember['function'];
  readonly natCheck: AlreadyMember['natCheck'];
}

/** `$.function`: the target function's slices. */
interface FunctionState {
  readonly original?: OriginalFunction;
  readonly vpcAccessPolicy?: VpcAccessPolicyAttachment;
  readonly attach?: AttachedFunction;
}

interface CaughtError {
  readonly Error?: string;
  readonly Cause?: string;
}

/** A poll loop's counter (asl-builder.ts pollLoop) and its check task's last answer. */
interface PollCounter<Check> {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly check?: Check;
}

/** The state before PrepareInParallel: what each of its branches starts from (and a failed one ends with). */
type BranchState = Omit<ProvisionState, 'parallel' | 'proof' | 'closing'>;

/** A settled branch (asl-builder.ts settledParallel): its last Pass state's result, or its whole state and the error. */
type SettledBranch<Result> = Result | (BranchState & { readonly error: CaughtError });

/** NatGatewaysReady. */
interface NatBranchResult {
  readonly natGateways: NatGatewaySlice[];
  readonly natWait: PollCounter<NatGatewaysCheck>;
}

/** ProbeFunctionReady. */
interface ProbeFunctionBranchResult {
  readonly securityGroup: SecurityGroupSlice;
  readonly probeFunction: ProbeFunctionSlice;
  readonly probeWait: PollCounter<ProbeFunctionCheck>;
  readonly vpcAccessPolicy: VpcAccessPolicyAttachment;
}

/** The top-level keys of ProvisionState, at run time (the test compares them with the ASL's ResultPaths). */
export const PROVISION_STATE_KEYS = [
  'execution',
  'request',
  'requestedBy',
  'alreadyMember',
  'timing',
  'function',
  'lock',
  'network',
  'probeFunction',
  'natWait',
  'probeWait',
  'functionWait',
  'parallel',
  'natCheck',
  'waits',
  'proof',
  'joinCheck',
  'probe',
  'closing',
  'membership',
  'unlock',
  'detach',
  'rollback',
  'error',
  'rollbackError',
  'unlockError',
] as const satisfies ReadonlyArray<keyof ProvisionState>;

/**
 * What each task of the provision reads of the state: its input is `ProvisionTaskInput<task>`, a Pick of the
 * state (the test proves each handler accepts it). The tasks whose ASL state builds their input with
 * Parameters (ValidateRequest, EnsureNatGateway's ItemSelector, the poll loops' checks) read no state.
 * ReportResult reads both this state and AlreadyMemberState through loose records (report/types.ts ReportInput):
 * the test checks only that every key it reads is a key of this state.
 */
export interface ProvisionTaskReads {
  readonly RecordFunction: 'execution' | 'request';
  readonly AcquireNetworkLock: 'execution' | 'request' | 'lock';
  readonly AuditExistingVpc: 'execution' | 'request' | 'network';
  readonly EnsureVpc: 'execution' | 'request' | 'network';
  readonly EnsureSubnets: 'execution' | 'request' | 'network';
  readonly EnsureInternetGateway: 'execution' | 'request' | 'network';
  readonly EnsureSecurityGroup: 'execution' | 'request' | 'network';
  readonly EnsureProbeFunction: 'execution' | 'request' | 'network';
  readonly AttachVpcAccessPolicy: 'execution' | 'request' | 'network' | 'function' | 'lock';
  readonly EnsureRouteTables: 'execution' | 'request' | 'network';
  readonly RunProbe: 'execution' | 'request' | 'network' | 'lock';
  readonly CheckJoinNetwork: 'execution' | 'request' | 'network';
  readonly EnsureS3Endpoint: 'execution' | 'request' | 'network';
  readonly AttachFunction: 'execution' | 'request' | 'network' | 'function' | 'lock';
  readonly RecordMembership: 'execution' | 'request' | 'requestedBy' | 'lock' | 'network' | 'natCheck' | 'function';
  readonly ReleaseNetworkLock: 'execution' | 'request' | 'error';
  readonly DetachVpcAccessPolicy: 'execution' | 'request' | 'function' | 'probe';
  readonly Rollback: 'execution' | 'request' | 'function' | 'membership' | 'error' | LedgerCarrier;
}

/** The top-level keys under which a ledger may be (PROVISION_LEDGER_PATHS): Rollback reads them all. */
type LedgerCarrier = 'network' | 'function' | 'probeFunction' | 'probe' | 'parallel' | 'proof' | 'closing';

export type ProvisionTaskInput<Task extends keyof ProvisionTaskReads> = Pick<ProvisionState, ProvisionTaskReads[Task]>;

/**
 * Every path of `T` (JSONPath, an array's items as `[*]`) to an object that carries a `ledger`: for
 * ProvisionState, the paths functions/shared/state/ledger-paths.ts must declare.
 */
export type LedgerPathsOf<T, Path extends string = '$'> = T extends readonly (infer Item)[]
  ? LedgerPathsOf<Item, `${Path}[*]`>
  : T extends object
    ? ('ledger' extends keyof T ? (string extends keyof T ? never : Path) : never) | { [K in Exclude<keyof T, 'ledger'> & string]-?: LedgerPathsOf<NonNullable<T[K]>, `${Path}.${K}`> }[Exclude<keyof T, 'ledger'> & string]
    : never;
