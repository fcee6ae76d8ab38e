import type { ProvisionRequest } from './request.generated';
import type { TargetFunctions } from './target-scope';
import type { RequestedBy } from './requested-by';
/**
 * The workflow's state: what each task reads and the slice it returns. The ASL (statemachine/provision.asl.json)
 * places every slice at the ResultPath named beside it; tasks return only their own slice.
 */

/**
 * The request as a user sends it (StartExecution input, API body, CLI flags): generated from
 * functions/shared/request.schema.json (request.generated.ts, `npm run build:request-types`); a new request field
 * goes into the schema, and these follow.
 */
export type ProvisionRequestInput = ProvisionRequest;

/** `network` of the request, as the schema types it. */
export type RequestNetwork = NonNullable<ProvisionRequest['network']>;

/** A new VPC: every network field but vpcId. */
export type CreateNetworkInput = Omit<RequestNetwork, 'vpcId'>;

/** An existing VPC (vpcId): the schema's `if`/`then` forbids the fields that size a new VPC. */
export type ExistingNetworkInput = Omit<RequestNetwork, 'vpcId' | 'cidr' | 'azCount' | 'availabilityZones' | 'blockPublicAccessExclusion'> & { readonly vpcId: string };

export type NatGatewayMode = NonNullable<RequestNetwork['natGateways']>;
export type SubnetTier = 'public' | 'private';

/** One subnet of the plan ValidateRequest computes (create mode) or the audit completes (existing mode). */
export interface PlannedSubnet {
  readonly az: string;
  readonly tier: SubnetTier;
  readonly cidr: string;
  /** Index of the /64 inside the VPC's /56 when IPv6 is on. */
  readonly ipv6SubnetIndex?: number;
}

/** `$.request` — the normalised request: defaults filled, function resolved, CIDR plan computed. */
export interface NormalizedRequest {
  readonly functionName: string;
  readonly functionArn: string;
  readonly network: NormalizedNetwork;
  readonly probe: { readonly url: string; readonly timeoutSeconds: number; readonly expectedStatuses: number[] };
  readonly detachVpcAccessPolicy: boolean;
  /**
   * Detach the policy even when the role had it before or is shared; DetachVpcAccessPolicy reads it. Present
   * (true) only when the request asks for it.
   */
  readonly forceDetachVpcAccessPolicy?: boolean;
  /** Leave the narrow inline ENI policy on the role when the managed one is detached (functions/function/narrow-eni-policy.ts); present (true) only when asked for. */
  readonly keepNarrowEniPolicy?: boolean;
  /** Existing-VPC mode, a function already in that VPC: its own security groups, kept beside the egress group (functions/validate/preflight/function-groups.ts). */
  readonly keepSecurityGroupIds?: string[];
  /** The VPC the function is in now and leaves (request.moveFromVpc; functions/validate/preflight/function-move.ts). */
  readonly leavesVpc?: LeftVpc;
  /** The settings this request left unset and took from the network's record (functions/validate/network-settings.ts). */
  readonly inheritedSettings?: InheritedSettings;
  /** What the preflight found worth saying without refusing (a quota it had to assume, ...); present only when there is some. */
  readonly preflightNotes?: string[];
}

/** What a function moved out of another VPC leaves there; plan and the result say it. */
export interface LeftVpc {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** The lambda-egress network of that VPC, when it is one: its members after the move, and when none, what it still costs. */
  readonly network?: { readonly name: string; readonly membersLeft?: number; readonly monthlyCostUsd?: number; readonly teardownCommand?: string };
}

/** A network's recorded settings a join inherits (those the request did not state). */
export type InheritedSettings = Pick<CreateNetworkInput, 'natGateways' | 'natInstanceType' | 'ipv6' | 's3Endpoint' | 'alarms' | 'deleteWhenUnused' | 'azCount'>;

export interface NormalizedNetwork {
  readonly mode: 'create' | 'existing';
  /** Value of the lambda-egress:network tag; many functions share one network by name. */
  readonly name: string;
  /** Set in existing mode. */
  readonly vpcId?: string;
  /** Set in create mode. */
  readonly cidr?: string;
  readonly azs: string[];
  /** The AZ IDs of `azs`, in the same order (an AZ's name means a different physical AZ in each account, its ID does not). */
  readonly azIds?: string[];
  readonly natGateways: NatGatewayMode;
  /** Set with natGateways "instance": the NAT instances' type (functions/network/nat-instance-launch.ts). */
  readonly natInstanceType?: string;
  /** Request field network.allowedFunctions: who may join the network (docs/who-may-ask.md). */
  readonly allowedFunctions?: TargetFunctions;
  readonly ipv6: boolean;
  readonly s3Endpoint: boolean;
  /** CloudWatch alarms on the NAT gateways lambda-egress creates (functions/shared/nat-alarms.ts). */
  readonly alarms: boolean;
  /** Release of the last member continues into the teardown (RemoveMembership reads it from the network record). */
  readonly deleteWhenUnused: boolean;
  /** Create mode, present (true) only when asked for: EnsureVpc excludes the new VPC from BPA block-bidirectional (allow-egress). */
  readonly blockPublicAccessExclusion?: boolean;
  /** The user's own Elastic IPs for the NATs lambda-egress creates, in the order of `azs` (functions/network/egress-ip-preflight.ts). */
  readonly eipAllocationIds?: string[];
  /** Keep the Elastic IPs lambda-egress allocates for the network through its teardown (functions/shared/kept-egress-ips.ts); present (true) only when asked for. */
  readonly keepEgressIps?: boolean;
  /** The addresses a teardown kept for this network's name, taken again by its NATs, per AZ (functions/network/kept-egress-ip-preflight.ts). */
  readonly keptEgressIps?: KeptEgressIp[];
  /** Create mode: the full plan. Existing mode: empty until AuditExistingVpc fills `$.network.audit`. */
  readonly subnetPlan: PlannedSubnet[];
}

/** An Elastic IP kept for the network by an earlier teardown, for the NAT of `az`. */
export interface KeptEgressIp {
  readonly az: string;
  readonly allocationId: string;
  readonly publicIp: string;
}

/** `$.execution` — set once from the context object, read by every task for tags and logs. */
export interface ExecutionContext {
  readonly id: string;
  readonly name: string;
  readonly startTime?: string;
}

export type ResourceKind =
  | 'vpc'
  | 'subnet'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'elastic-ip'
  | 'nat-gateway'
  | 'route-table'
  | 'route'
  | 'route-table-association'
  | 'vpc-endpoint'
  | 'security-group'
  | 'iam-policy-attachment'
  | 'function-vpc-config'
  | 'probe-function'
  | 'cloudwatch-alarm'
  /** A detached Lambda Hyperplane ENI (`AWS Lambda VPC ENI-*`) left in the network's own subnets: never ledgered, found by the undo engine. */
  | 'network-interface'
  // natGateways "instance" (functions/network/ensure-nat-instance.ts, undone by functions/undo/undo-nat-instance.ts);
  // the fixed ENI has a kind of its own: Lambda's swept network interfaces are another matter
  | 'auto-scaling-group'
  | 'launch-template'
  | 'nat-instance-eni'
  /** A VPC Block Public Access exclusion (allow-egress) of the network's VPC, network.blockPublicAccessExclusion. */
  | 'bpa-exclusion'
  /** A parameter the network publishes under /lambda-egress/networks/<name>/ (functions/shared/network-parameters.ts); its id is its name. */
  | 'ssm-parameter';

/** One resource this execution created (or changed, for the function), in creation order. */
export interface LedgerEntry {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly az?: string;
  /** Whatever rollback needs besides the id: vpcId for an IGW, routeTableId + destination for a route, ... */
  readonly detail?: Record<string, string>;
  /** ISO timestamp: orders entries from parallel branches. */
  readonly createdAt: string;
}

/** Every slice a task returns carries the ledger entries of what it created. */
export interface Ledgered {
  readonly ledger: LedgerEntry[];
}

/** Base of every task's input: the whole state as the ASL passes it. Tasks read only what they need. */
export interface TaskInput {
  readonly execution: ExecutionContext;
  readonly request: NormalizedRequest;
  /** Who asked (ValidateRequest, functions/shared/requested-by.ts). */
  readonly requestedBy?: RequestedBy;
}
