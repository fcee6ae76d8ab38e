import type { RequestedBy } from '../shared/requested-by';
import type { FunctionNotice } from '../function/function-notices';
import type { EgressAddress, Ipv6EgressPrefix } from '../network/egress-address';
import type { EgressChange } from './egress-change';
import type { TaskTiming } from '../shared/task-handler';
import type { FunctionVpcConfig } from '../shared/state/function-config';
import type { ExecutionContext, LedgerEntry, LeftVpc, NormalizedRequest } from '../shared/types';

/**
 * The success output of an execution: a stable contract (README "Output"), independent of how the slices
 * inside the state are shaped. Pure: no AWS calls.
 */
export interface ProvisionResult {
  readonly executionId: string;
  readonly functionArn: string;
  readonly network: {
    readonly mode: 'create' | 'existing';
    readonly name: string;
    readonly vpcId: string;
    readonly publicSubnetIds: string[];
    readonly privateSubnetIds: string[];
    readonly securityGroupId?: string;
    readonly internetGatewayId?: string;
    readonly egressOnlyInternetGatewayId?: string;
    /**
     * What the private routes target: a NAT gateway (nat-) or a NAT instance's network interface (eni-).
     * `natGatewayId`: deprecated, the same id, present for a NAT gateway only (the name of natTargetId until it was renamed).
     */
    readonly natGateways: Array<{ az: string; natTargetId: string; natGatewayId?: string }>;
    /** The network's AZs by name and AZ ID (the ID is the same physical AZ in every account; absent when EC2 gave none). */
    readonly availabilityZones: Array<{ name: string; id?: string }>;
    /** The public IPv4 addresses the function's traffic leaves from, sorted, each once: what a partner allow-lists. */
    readonly egressIps: string[];
    /** The same per AZ and NAT (with allocation ids), and the private subnets' IPv6 prefixes (egress-only IGW: the function's own addresses). */
    readonly egress: { readonly addresses: EgressAddress[]; readonly ipv6Prefixes: Ipv6EgressPrefix[] };
    /** Present when the network left from other IPv4 addresses before this provision: old -> new (egress-change.ts). */
    readonly egressChange?: EgressChange;
    readonly s3EndpointId?: string;
    /** Subnets left alone because their default route goes somewhere lambda-egress did not create. */
    readonly reported: unknown[];
  };
  readonly function: {
    readonly originalVpcConfig: unknown;
    readonly appliedVpcConfig: FunctionVpcConfig;
    /** attachedBefore: whether the role had the policy when the execution began (absent from older results). */
    readonly vpcAccessPolicy: { attachedByExecution: boolean; attachedBefore?: boolean; detached: boolean; reason?: string };
    /** What the move did not reach: aliases on published versions, an owning CloudFormation stack (function-notices.ts). */
    readonly notices: FunctionNotice[];
    /** The VPC the function moved out of (request moveFromVpc): its subnets and groups, and the network it left. */
    readonly leftVpc?: LeftVpc;
  };
  readonly probe: { readonly passed: boolean; readonly result: unknown; readonly reachability: unknown };
  readonly waits: { readonly natGatewayChecks: number; readonly functionUpdateChecks: number };
  /** Every resource this execution created, in creation order. */
  readonly ledger: LedgerEntry[];
  /** Each task run that produced a slice of the final state, in start order. */
  readonly timings: TaskTiming[];
  /** A repeated request that changed nothing (functions/validate/already-member.ts): no lock, no write; the network as the registry holds it. */
  readonly alreadyMember?: true;
  /** Who asked (functions/shared/requested-by.ts). */
  readonly requestedBy?: RequestedBy;
}

type Slice = Record<string, unknown> | undefined;

export interface ReportInput {
  readonly execution: ExecutionContext;
  readonly requestedBy?: RequestedBy;
  readonly request: NormalizedRequest;
  /** ReportAlreadyMember: the provision was a no-op. */
  readonly alreadyMember?: boolean;
  readonly network?: Record<string, Slice | Slice[]>;
  readonly function?: Record<string, Slice>;
  readonly probe?: Slice;
  readonly detach?: Slice;
  readonly waits?: { natGatewayChecks?: number; functionUpdateChecks?: number };
  /** The NAT gateways' last check (CheckNatGateways): their addresses. */
  readonly natCheck?: { readonly gateways?: ReadonlyArray<{ readonly addresses?: EgressAddress[] }> };
  /** RecordMembership: the egress IPs the registry held before (egress-change.ts). */
  readonly membership?: { readonly egressIpsBefore?: string[] };
}
