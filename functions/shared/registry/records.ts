import type { TargetFunctions } from '../target-scope';
import type { RequestedBy } from '../requested-by';
import type { FunctionVpcConfig } from '../state/function-config';
import type { LedgerEntry, NatGatewayMode } from '../types';

/** What a network is doing: built now, usable, left broken by a failed build, or being torn down. */
type NetworkState = 'building' | 'ready' | 'failed' | 'deleting';

/** `network#<name>` / `network`: one network lambda-egress built or repaired. */
export interface NetworkRecord {
  readonly name: string;
  readonly mode: 'create' | 'existing';
  readonly state: NetworkState;
  readonly vpcId?: string;
  readonly azs: string[];
  readonly natGatewayMode: NatGatewayMode;
  /** The NAT gateways the network's private subnets route to (created or reused). */
  readonly natTargetIds: string[];
  /** The subnets members are attached to: a member on other subnets has drifted. */
  readonly privateSubnetIds: string[];
  readonly securityGroupId?: string;
  /** Request field network.deleteWhenUnused of the execution that created the network: release of its last member tears it down. */
  readonly deleteWhenUnused?: boolean;
  /** Request field network.allowedFunctions of the execution that created the network: who may join it. */
  readonly allowedFunctions?: TargetFunctions;
  /** The network's settings as its creating request gave them; a join inherits them (functions/validate/network-settings.ts). Absent in records older than issue 23. */
  readonly natInstanceType?: string;
  readonly ipv6?: boolean;
  readonly s3Endpoint?: boolean;
  readonly alarms?: boolean;
  /** Request field network.keepEgressIps of any execution that built the network: its teardown keeps the Elastic IPs lambda-egress allocated. */
  readonly keepEgressIps?: boolean;
  /** The public IPv4 addresses the network left from at its last provision: the next one announces a change (functions/report/egress-change.ts). */
  readonly egressIps?: string[];
  /** The execution (ARN) that built the network, or is building it now. */
  readonly execution: string;
  /** Everything lambda-egress created in the network, over every execution that added to it. */
  readonly ledger: LedgerEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** `network#<name>` / `member#<functionArn>`: what release needs to put the function back as it was. */
export interface MembershipRecord {
  readonly network: string;
  readonly functionArn: string;
  readonly functionName: string;
  /** The function's VpcConfig as it was before lambda-egress first moved it. */
  readonly originalVpcConfig: FunctionVpcConfig;
  /** Whether AWSLambdaVPCAccessExecutionRole was attached to the role before lambda-egress touched it. */
  readonly vpcAccessPolicyAttachedBefore: boolean;
  /** The inline policy lambda-egress puts on the role (request.keepNarrowEniPolicy): release deletes it, and only it. */
  readonly narrowEniPolicy?: string;
  /** The execution (ARN) that attached the function. */
  readonly execution: string;
  /** Who asked for that execution (functions/shared/requested-by.ts); absent in records older than issue 27. */
  readonly requestedBy?: RequestedBy;
  readonly recordedAt: string;
}

/** `join`: a join's shared claim on a ready network (join-claims.ts); the others are exclusive. */
export type LockKind = 'network' | 'function' | 'join';

/** `network#<name>` or `function#<functionArn>` / `lock`, and `network#<name>` / `join#<functionArn>`. */
export interface LockRecord {
  readonly lock: LockKind;
  /** The network name or the function ARN the lock is for (a claim's: the joining function). */
  readonly subject: string;
  /** The execution (ARN) holding it. */
  readonly lockOwner: string;
  /** Epoch seconds; past it the lock is free for anyone (and DynamoDB's TTL deletes it eventually). */
  readonly leaseExpiresAt: number;
}
