import type { PublishedParameter } from '../network/network-parameters-publish';
import type { RecordedNetwork } from '../network/recorded-network';
import type { OriginalFunctionRecord } from '../shared/state/function-config';
import type { ExecutionContext, NormalizedNetwork, TaskInput } from '../shared/types';

/**
 * What the lock tasks read of the state: the network (and the function, when one is changed). Provision's
 * `$.request` is one; release and teardown build theirs from the registry.
 */
export interface LockTaskInput {
  readonly execution: ExecutionContext;
  readonly request: {
    readonly network: Pick<NormalizedNetwork, 'name' | 'mode' | 'azs' | 'natGateways'> & { readonly vpcId?: string };
    /** Absent for a teardown: only the network is locked. */
    readonly functionArn?: string;
  };
  /**
   * `provision` (the default) marks a network without a record, or whose last build failed, `building`;
   * release and teardown only lock.
   */
  readonly purpose?: 'provision' | 'release' | 'teardown';
}

/** `$.lock` — AcquireNetworkLock: whether this attempt got the locks, and who holds them if not. */
export interface NetworkLockSlice {
  readonly acquired: boolean;
  /** 1 on the first attempt; the ASL passes the previous slice back in, so the loop is bounded. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Seconds the ASL's Wait state waits before the next attempt (informational: the Wait state is fixed). */
  readonly waitSeconds: number;
  /** When not acquired: the execution (ARN) holding the lock, and which lock. */
  readonly holder?: string;
  readonly heldLock?: 'network' | 'function' | 'join';
  /** When acquired: the lease's end, epoch seconds. */
  readonly leaseExpiresAt?: number;
  /** When acquired: true when this execution starts the network's (first or repeated) build. */
  readonly building?: boolean;
  /** When acquired as a join of a ready network: a shared claim, not the exclusive lock (docs/joins.md). */
  readonly shared?: true;
  /** The exclusive lock only, never a join's claim: a join that found the network needing repair starts again so. */
  readonly exclusive?: true;
  /** A join's claim: the network as the claimed record names it (functions/network/recorded-network.ts), when the record names all of it. */
  readonly recorded?: RecordedNetwork;
}

export interface AcquireNetworkLockInput extends LockTaskInput {
  /** The previous attempt's slice; absent on the first attempt. */
  readonly lock?: Pick<NetworkLockSlice, 'attempt' | 'exclusive'>;
}

/** `$.unlock` — ReleaseNetworkLock. */
export interface NetworkUnlockSlice {
  readonly released: Array<'network' | 'function' | 'join'>;
  /** True when the network this execution was building is now marked `failed`. */
  readonly networkFailed: boolean;
}

export interface ReleaseNetworkLockInput extends LockTaskInput {
  /** `failed` after Rollback; by default `failed` when the state carries a caught error (`$.error`). */
  readonly outcome?: 'succeeded' | 'failed';
  readonly error?: unknown;
}

/** What RecordMembership reads of the state; each part is produced by the task named beside it. */
export interface RecordMembershipInput extends TaskInput {
  /** AcquireNetworkLock: a join's shared claim leaves the network record to the exclusive writers. */
  readonly lock?: Pick<NetworkLockSlice, 'shared'>;
  readonly network?: {
    /** EnsureVpc. */
    readonly vpc?: { readonly vpcId?: string };
    /** EnsureSubnets. */
    readonly subnets?: { readonly privateSubnetIds?: string[] };
    /** EnsureSecurityGroup. */
    readonly securityGroup?: { readonly groupId?: string };
    /** The EnsureNatGateway Map. */
    readonly natGateways?: ReadonlyArray<{ readonly natTargetId?: string }>;
    /** EnsureRouteTables: the NAT each private table routes to (found NATs of an existing VPC included). */
    readonly routeTables?: { readonly privateRouteTables?: ReadonlyArray<{ readonly natTargetId?: string }> };
  };
  /** The NAT gateways' last check (CheckNatGateways): the addresses the network leaves from, recorded for the next provision. */
  readonly natCheck?: { readonly gateways?: ReadonlyArray<{ readonly addresses?: ReadonlyArray<{ readonly publicIp: string }> }> };
  readonly function?: {
    /** RecordFunction: the configuration before this execution. */
    readonly original?: Pick<OriginalFunctionRecord, 'functionArn' | 'functionName' | 'vpcConfig' | 'vpcAccessPolicyAttached'>;
  };
}

/** `$.membership` — RecordMembership. */
export interface MembershipSlice {
  readonly network: string;
  readonly functionArn: string;
  readonly networkState: 'ready';
  readonly vpcId: string;
  readonly natTargetIds: string[];
  /** What the network's ledger holds now (every execution's creations). */
  readonly ledgerSize: number;
  /** The network's SSM parameters for IaC, as this execution left them. */
  readonly parameters: PublishedParameter[];
  readonly movedFrom?: string;
  /** The egress IPs the registry held for the network before this execution (absent for a new network): ReportResult announces a change. */
  readonly egressIpsBefore?: string[];
}
