import type { RequestedBy } from '../shared/requested-by';
import type { FunctionVpcConfig, OriginalFunctionRecord } from '../shared/state/function-config';
import type { EgressAddress } from './egress-address';
import type { ExecutionContext, Ledgered, NormalizedRequest, PlannedSubnet, SubnetTier, TaskInput } from '../shared/types';

/**
 * The network slices, each at the ResultPath of statemachine/provision.asl.json named beside it. Every slice
 * lists in `ledger` only what the task created in this execution; found resources are used, never ledgered.
 */

/** ValidateRequest's input: the raw request and the execution context the ASL adds. Its result is the new state. */
export interface ValidateRequestInput {
  readonly input: unknown;
  readonly execution: ExecutionContext;
}

export interface ValidatedState {
  readonly execution: ExecutionContext;
  readonly request: NormalizedRequest;
  /** Who asked (functions/shared/requested-by.ts): `$.requestedBy`, which RecordMembership and ReportResult read. */
  readonly requestedBy?: RequestedBy;
  /** A repeated request that changes nothing: the network as the registry holds it (already-member.ts). */
  readonly alreadyMember?: AlreadyMember;
}

/** `$.network.vpc` — EnsureVpc. */
export interface VpcSlice extends Ledgered {
  readonly vpcId: string;
  readonly cidrBlock: string;
  /** The VPC's Amazon-provided /56, when it has one. */
  readonly ipv6CidrBlock?: string;
}

export interface NetworkSubnet {
  readonly subnetId: string;
  readonly az: string;
  readonly tier: SubnetTier;
  readonly cidr: string;
  readonly ipv6Cidr?: string;
}

/** Where one NAT gateway goes: a public subnet of an AZ, or (natGateways "regional") the VPC itself. */
export type NatPlacement = ZonalNatPlacement | RegionalNatPlacement;

export interface ZonalNatPlacement {
  readonly az: string;
  readonly subnetId: string;
  /** Existing VPC: the VPC's own NAT instance (its ENI) the audit found usable; used as it is. */
  readonly natInstanceEniId?: string;
}

/** A regional NAT gateway lives in no subnet and no single AZ: AWS spreads it over the VPC's AZs. */
interface RegionalNatPlacement {
  readonly az: typeof REGIONAL;
  readonly availabilityMode: typeof REGIONAL;
}

export const REGIONAL = 'regional';
export const REGIONAL_NAT_PLACEMENT: RegionalNatPlacement = { az: REGIONAL, availabilityMode: REGIONAL };

export function isRegionalPlacement(placement: NatPlacement): placement is RegionalNatPlacement {
  return 'availabilityMode' in placement && placement.availabilityMode === REGIONAL;
}

/** `$.network.subnets` — EnsureSubnets. */
export interface SubnetsSlice extends Ledgered {
  /** The subnets the network uses: public ones that hold (or will hold) NATs, private ones the function goes in. */
  readonly subnets: NetworkSubnet[];
  readonly publicSubnetIds: string[];
  /** The subnets the function is attached to: private, with (or about to get) a default route to a NAT. */
  readonly privateSubnetIds: string[];
  /** One per AZ (`per-az`), only one (`single`), or the regional one: the Map of EnsureNatGateway iterates over these. */
  readonly natPlacements: NatPlacement[];
}

/** `$.network.internetGateway` — EnsureInternetGateway. */
export interface InternetGatewaySlice extends Ledgered {
  readonly internetGatewayId: string;
  /** Set when IPv6 is on: private subnets send ::/0 here. */
  readonly egressOnlyInternetGatewayId?: string;
}

/** `$.network.securityGroup` — EnsureSecurityGroup. */
export interface SecurityGroupSlice extends Ledgered {
  readonly groupId: string;
}

/** One item of `$.network.natGateways` — EnsureNatGateway, once per placement inside the Map. */
export interface NatGatewaySlice extends Ledgered {
  /** The AZ of a zonal NAT gateway; `regional` for a regional one. */
  readonly az: string;
  /**
   * What the private routes target: the NAT gateway (nat-), or a NAT instance's fixed ENI (eni-). Read its
   * kind with nat-targets.ts' `natTargetOf`.
   */
  readonly natTargetId: string;
  /** The EIP's allocation id (unset for a found NAT whose address AWS does not report, and for a regional one). */
  readonly allocationId?: string;
  /** Unset for a regional NAT gateway. */
  readonly subnetId?: string;
  readonly availabilityMode?: typeof REGIONAL;
  /**
   * natGateways "instance": `natTargetId` is then the NAT instance's fixed ENI (eni-...), the target of the
   * private routes; these are the rest of it (ensure-nat-instance.ts).
   */
  readonly natInstance?: NatInstanceParts;
}

interface NatInstanceParts {
  readonly autoScalingGroupName: string;
  readonly launchTemplateId: string;
  readonly securityGroupId: string;
  readonly instanceType: string;
}

/** `$.natWait.check` — CheckNatGateways. */
export interface NatGatewaysCheck {
  readonly allAvailable: boolean;
  /** `addresses`: the public IPs each leaves from, as this round's Describe answered (the result's egress IPs). */
  readonly gateways: Array<{ readonly natTargetId: string; readonly az: string; readonly state: string; readonly addresses?: EgressAddress[] }>;
}

/** A subnet left alone because its default route goes somewhere lambda-egress did not put it. */
export interface ReportedSubnet {
  readonly subnetId: string;
  readonly routeTableId: string;
  /** The route's target id (tgw-..., vpce-..., pcx-..., eni-..., i-..., nat-..., igw-...). */
  readonly target: string;
  readonly reason: string;
}

export interface PrivateRouteTable {
  readonly az: string;
  readonly routeTableId: string;
  readonly subnetIds: string[];
  /** The NAT target the table's 0.0.0.0/0 goes to: a NAT gateway, or a NAT instance's ENI (nat-targets.ts). */
  readonly natTargetId: string;
}

/** `$.network.routeTables` — EnsureRouteTables. */
export interface RouteTablesSlice extends Ledgered {
  readonly publicRouteTableIds: string[];
  readonly privateRouteTables: PrivateRouteTable[];
  readonly reported: ReportedSubnet[];
}

/** `$.network.s3Endpoint` — EnsureS3Endpoint. */
export interface S3EndpointSlice extends Ledgered {
  /** Unset when the request turned the endpoint off or there was no route table lambda-egress may put it on. */
  readonly vpcEndpointId?: string;
  /** Why no endpoint was created or changed, when that is the case. */
  readonly skipped?: string;
}

/** How a subnet's default route (0.0.0.0/0) makes it behave, as the AWS guide's route table check reads it. */
export type SubnetClass = 'public' | 'private' | 'isolated' | 'routed-elsewhere';

export interface AuditedSubnet {
  readonly subnetId: string;
  readonly az: string;
  readonly cidr: string;
  readonly ipv6Cidr?: string;
  readonly class: SubnetClass;
  /** The table that routes it: its explicit association, or the VPC's main table. */
  readonly routeTableId: string;
  readonly routeTableIsMain: boolean;
  /** Target of 0.0.0.0/0, when there is one. */
  readonly defaultRouteTarget?: string;
  /** Target of ::/0, when there is one. */
  readonly ipv6DefaultRouteTarget?: string;
  /** True when lambda-egress created it for this network (tags). */
  readonly managed: boolean;
}

export interface AuditedNatGateway {
  readonly natTargetId: string;
  /** `regional` for a regional NAT gateway. */
  readonly az: string;
  /** Empty for a regional NAT gateway. */
  readonly subnetId: string;
  readonly state: string;
  /** Pending or available, public, and in a public subnet (zonal) or in a VPC with an internet gateway (regional). */
  readonly usable: boolean;
  readonly availabilityMode?: typeof REGIONAL;
  /** A NAT instance (find-nat-instance.ts): `natTargetId` is then the network interface the routes target. */
  readonly kind?: 'instance';
}

/** How the function's private subnet in one AZ gets its default route to a NAT gateway. */
type PrivateRouting =
  /** Already routes 0.0.0.0/0 to a usable NAT: nothing to do. */
  | 'ready'
  /** Isolated on its own (non-main) route table: a 0.0.0.0/0 route is added to that table. */
  | 'add-route'
  /** Isolated on the main table, or created by lambda-egress: it gets a lambda-egress route table of its AZ. */
  | 'dedicated-table';

/** Where the NAT gateway an AZ's private subnet uses is, or will be. */
export type NatPlan =
  /** A usable NAT gateway that is already there: reused as it is. */
  | { readonly placement: 'existing'; readonly natTargetId: string; readonly az: string; readonly subnetId: string }
  /** A new NAT gateway in this AZ's public subnet; no subnet id means the planned public subnet of this AZ. */
  | { readonly placement: 'new'; readonly subnetId?: string }
  /** No public subnet fits in this AZ (or natGateways is "single"): the AZ uses another AZ's NAT gateway. */
  | { readonly placement: 'other-az' }
  /** A new regional NAT gateway of the VPC (natGateways "regional"): no public subnet needed. */
  | { readonly placement: 'regional' };

/** The repair of one AZ. No private subnet id means the planned private subnet of this AZ (`subnetsToCreate`). */
export interface AzRepair {
  readonly az: string;
  readonly privateSubnetId?: string;
  readonly privateRouting: PrivateRouting;
  readonly nat: NatPlan;
}

/** `$.network.audit` — AuditExistingVpc (existing mode). In create mode the ASL sets `{ mode: 'create' }`. */
export interface AuditSlice {
  readonly mode: 'existing';
  readonly vpcId: string;
  readonly cidrBlocks: string[];
  readonly ipv6CidrBlock?: string;
  readonly mainRouteTableId: string;
  readonly internetGatewayId?: string;
  readonly subnets: AuditedSubnet[];
  readonly natGateways: AuditedNatGateway[];
  /** What already works, in plain words. */
  readonly present: string[];
  /** What lambda-egress will add. */
  readonly missing: string[];
  /** What it will not touch, and why. */
  readonly cannotFix: string[];
  /** Subnets reported and left alone (default route elsewhere, broken NAT...). */
  readonly reported: ReportedSubnet[];
  readonly plan: {
    readonly createInternetGateway: boolean;
    readonly azs: AzRepair[];
    /** New subnets in free CIDR space of the VPC (ipv6SubnetIndex: a free /64 of the VPC's /56). */
    readonly subnetsToCreate: PlannedSubnet[];
  };
}

export interface CreateModeAudit {
  readonly mode: 'create';
}

/** The `$.network` object as the later tasks read it; each task checks what it needs is there. */
export interface NetworkState {
  readonly audit?: AuditSlice | CreateModeAudit;
  readonly vpc?: VpcSlice;
  readonly subnets?: SubnetsSlice;
  readonly internetGateway?: InternetGatewaySlice;
  readonly securityGroup?: SecurityGroupSlice;
  readonly natGateways?: NatGatewaySlice[];
  readonly routeTables?: RouteTablesSlice;
}

export interface NetworkTaskInput extends TaskInput {
  readonly network?: NetworkState;
}

export interface EnsureNatGatewayInput extends TaskInput {
  readonly network: { readonly vpc: VpcSlice; readonly subnets: SubnetsSlice; readonly internetGateway: InternetGatewaySlice };
  readonly placement: NatPlacement;
}

export interface CheckNatGatewaysInput extends TaskInput {
  readonly natGateways: NatGatewaySlice[];
}

/**
 * `$.alreadyMember`: what ReportResult needs to report the network from the registry's record, in the shapes of
 * the slices a provision leaves in its state (network.vpc, network.subnets, function.attach, natCheck), so the
 * state machine goes straight from ValidateRequest to ReportResult (docs/joins.md "A repeated request").
 */
export interface AlreadyMember {
  readonly network: {
    readonly vpc: { readonly vpcId: string };
    readonly internetGateway?: { readonly internetGatewayId: string };
    readonly s3Endpoint?: { readonly vpcEndpointId: string };
    readonly subnets: { readonly privateSubnetIds: string[]; readonly publicSubnetIds: string[]; readonly subnets: Array<{ subnetId: string; az: string; ipv6Cidr?: string }> };
    readonly securityGroup: { readonly groupId: string };
    readonly natGateways: Array<{ az: string; natTargetId: string }>;
  };
  readonly function: {
    readonly original: Pick<OriginalFunctionRecord, 'vpcConfig'>;
    readonly attach: FunctionVpcConfig & { readonly vpcId: string };
  };
  readonly natCheck: { readonly gateways: Array<{ natTargetId: string; az: string; state: string; addresses: EgressAddress[] }> };
}
