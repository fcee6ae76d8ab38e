import type { FunctionVpcConfig, OriginalFunctionRecord } from '../shared/state/function-config';
import type { Ledgered, SubnetTier, TaskInput } from '../shared/types';

export type { FunctionVpcConfig };

/** An alias that routes to published versions, not to $LATEST: what it keeps running after $LATEST moves. */
export interface PinnedAlias {
  readonly alias: string;
  /** The version it points at, then the versions of its weighted routing (AdditionalVersionWeights). */
  readonly versions: string[];
}

/**
 * What a careful tool reads about the function before changing it, because the change does not reach
 * everything that runs the function's code. Read-only; RecordFunction records it, ReportResult and `plan`
 * turn it into notices (functions/function/function-notices.ts).
 */
export interface FunctionFacts {
  /**
   * VpcConfig belongs to $LATEST: a published version keeps the configuration it was published with
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), so an alias on a version keeps
   * running there until a new version is published and the alias moved.
   */
  readonly pinnedAliases: PinnedAlias[];
  /** The VpcConfig each version of pinnedAliases was published with. */
  readonly versionVpcConfigs: Record<string, FunctionVpcConfig>;
  /** SnapStart on published versions (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html): it never runs $LATEST. */
  readonly snapStartOnPublishedVersions: boolean;
  /** The stack that owns the function (its aws:cloudformation:* tags), when one does. */
  readonly cloudFormation?: { readonly stackName: string; readonly logicalId?: string };
}

/**
 * `$.function.original` — RecordFunction, read-only, before anything changes. The durable record that makes
 * AttachFunction retry-safe (who attached the policy is decided from it) and that Rollback restores from.
 */
export interface OriginalFunction extends OriginalFunctionRecord, Ledgered {
  /** What the move will not reach (aliases on published versions, an owning stack): ReportResult tells the user. Always set by RecordFunction; absent from the copy Rollback keeps in the ledger. */
  readonly facts?: FunctionFacts;
}

/** `$.function.attach` — AttachFunction: the VpcConfig it applied. */
export interface AttachedFunction extends FunctionVpcConfig, Ledgered {
  /** The VPC of the subnets, from DescribeSubnets (Lambda's own VpcId is not trusted: moto hard-codes it). */
  readonly vpcId: string;
}

/** `$.function.vpcAccessPolicy` — AttachVpcAccessPolicy: whether this execution attached the policy. */
export interface VpcAccessPolicyAttachment extends Ledgered {
  /** True when the role lacked the policy before this execution and the function moves, so this execution attached it. */
  readonly policyAttachedByExecution: boolean;
  readonly roleName: string;
  readonly policyArn: string;
  /**
   * Undecided, nothing attached: run before the network's tasks (a join) for a function already in a VPC, whether
   * it moves is known only once the network's subnets and security group are (the Parallel's AttachVpcAccessPolicy).
   */
  readonly deferred?: true;
}

/** `$.functionWait.check` — CheckFunctionUpdate. */
export interface FunctionUpdateCheck {
  readonly status: 'InProgress' | 'Successful';
  /** Lambda's `State` (Pending, Active, Inactive); `unknown` when Lambda omits it. */
  readonly functionState: string;
}

/** `$.detach` — DetachVpcAccessPolicy: what it decided and why, in plain English. */
export interface DetachResult {
  readonly detached: boolean;
  readonly reason: string;
  readonly roleName: string;
  readonly policyArn: string;
  /** Other functions ($LATEST) that use the same role inside a VPC; they keep the role shared. */
  readonly sharedWith: string[];
  /** The narrow inline policy left on the role instead (request.keepNarrowEniPolicy). */
  readonly narrowEniPolicy?: string;
}

/** What the function tasks read of the network slices (functions/network produces them). */
export interface SubnetsSliceView {
  readonly subnets: ReadonlyArray<{ readonly subnetId: string; readonly az: string; readonly tier: SubnetTier; readonly cidr?: string }>;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds?: string[];
}

interface FunctionSlices {
  readonly original?: OriginalFunction;
  readonly vpcAccessPolicy?: VpcAccessPolicyAttachment;
  readonly attach?: AttachedFunction;
}

export type RecordFunctionInput = TaskInput;

export interface AttachFunctionInput extends TaskInput {
  readonly function?: FunctionSlices;
  readonly network?: {
    readonly vpc?: { readonly vpcId?: string };
    readonly subnets?: SubnetsSliceView;
    readonly securityGroup?: { readonly groupId?: string };
  };
  /** AcquireNetworkLock: a join whose network came from the registry record, which CheckJoinNetwork checked. */
  readonly lock?: { readonly recorded?: unknown };
}

export type AttachVpcAccessPolicyInput = AttachFunctionInput;

export type CheckFunctionUpdateInput = TaskInput;

export interface DetachVpcAccessPolicyInput extends TaskInput {
  readonly function?: FunctionSlices;
  readonly probe?: { readonly passed?: boolean };
}
