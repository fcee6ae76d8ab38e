import type { RecordedNetwork } from '../network/recorded-network';
import type { NatGatewaysCheck, S3EndpointSlice } from '../network/types';
import type { PlacementInput } from '../function/placement';
import type { Ledgered, TaskInput } from '../shared/types';
import type { ProbeResult } from './probe';

export type { ProbeEvent, ProbeResult } from './probe';

/** The hops of the egress path, in the order reachability.ts checks them for each subnet. */
type ReachabilityHop =
  | 'subnet'
  | 'route-table'
  | 'default-route'
  | 'nat-gateway'
  | 'nat-subnet-route'
  | 'internet-gateway'
  | 'ipv6-route'
  | 'security-group'
  | 'network-acl'
  | 'nat-network-acl';

/** One hop checked on one subnet's path. */
export interface PathStep {
  readonly hop: ReachabilityHop;
  readonly resourceId?: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The path from one subnet of the function, up to its first broken (or unanalysable) hop. */
export interface SubnetPath {
  readonly subnetId: string;
  readonly steps: PathStep[];
}

/** A broken hop, with what is wrong and how to fix it, in plain English. */
export interface BrokenHop {
  readonly hop: ReachabilityHop;
  readonly subnetId?: string;
  readonly resourceId?: string;
  readonly explanation: string;
  readonly fix: string;
}

export interface ReachabilityInput {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** Destination TCP port: the URL's explicit port, else 443 for https and 80 for http. */
  readonly port: number;
  /** Also require ::/0 -> an egress-only internet gateway. */
  readonly ipv6: boolean;
}

interface VerdictBase {
  readonly port: number;
  readonly paths: SubnetPath[];
}

/**
 * PASS: every subnet has a working path. FAIL: the first broken hop. INCONCLUSIVE: a default route leads
 * somewhere this analysis cannot follow (transit gateway, peering, firewall, appliance): the probe decides.
 */
export type ReachabilityVerdict =
  | (VerdictBase & { readonly verdict: 'PASS' })
  | (VerdictBase & BrokenHop & { readonly verdict: 'FAIL' })
  | (VerdictBase & BrokenHop & { readonly verdict: 'INCONCLUSIVE' });

/** `$.probe` — RunProbe, returned only when the probe passed (otherwise it throws ProbeFailed). */
export interface ProbeSlice extends Ledgered {
  readonly passed: true;
  readonly expectedStatuses: number[];
  readonly result: ProbeResult;
  readonly reachability: ReachabilityVerdict;
  readonly probeFunctionName: string;
  /** The VpcConfig the probe ran with: the one AttachFunction gives the target next. */
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/** The probe tasks read the request, the execution and the network slices the target's placement comes from. */
type ProbeTaskInput = TaskInput & PlacementInput;
export type EnsureProbeFunctionInput = ProbeTaskInput;
export type CheckProbeFunctionInput = TaskInput;
export type RunProbeInput = ProbeTaskInput & {
  /** AcquireNetworkLock: a join whose network came from the registry record, checked by CheckJoinNetwork beside RunProbe. */
  readonly lock?: { readonly recorded?: unknown };
};

/** RunProbe on a join from the registry record: the reachability verdict is CheckJoinNetwork's (MergeJoinProof). */
export type JoinProbeSlice = Omit<ProbeSlice, 'reachability'>;

/** `$.probeFunction` — EnsureProbeFunction: the probe function, on the target's future subnets and group. */
export interface ProbeFunctionSlice extends Ledgered {
  readonly functionName: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
}

/** `$.probeWait.check` — CheckProbeFunction: one look at the probe function (a failed one throws ProbeFailed). */
export interface ProbeFunctionCheck {
  readonly status: 'Ready' | 'InProgress';
  readonly functionName: string;
  /** Lambda's `State` and `LastUpdateStatus`; `unknown` when Lambda omits them. */
  readonly state: string;
  readonly lastUpdateStatus: string;
}

export interface ProbeFunctionOptions {
  /** Execution role of the probe function (env PROBE_ROLE_ARN, created by the CDK stack). */
  readonly probeRoleArn: string | undefined;
}

/** CheckJoinNetwork's input: a join's network as the registry record names it (AcquireNetworkLock's `recorded`: RecordedNetwork). */
export type CheckJoinNetworkInput = TaskInput & {
  readonly network?: PlacementInput['network'] & {
    readonly vpc?: Pick<RecordedNetwork['vpc'], 'vpcId'>;
    readonly natGateways?: ReadonlyArray<{ readonly natTargetId: string; readonly az: string }>;
    readonly s3EndpointId?: string;
  };
};

/** `$.joinCheck` — CheckJoinNetwork: the recorded network, checked. Unledgered: a join creates none of it. */
export interface JoinNetworkCheck {
  readonly reachability: ReachabilityVerdict;
  /** The NAT gateways, all `available`, with the addresses they leave from (the result's egress IPs). */
  readonly natCheck: NatGatewaysCheck;
  readonly s3Endpoint: Omit<S3EndpointSlice, 'ledger'>;
}
