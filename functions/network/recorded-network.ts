import type { NetworkRecord } from '../shared/registry/records';
import { isNatInstanceTarget } from './nat-targets';
import { natModeOf } from './nat-modes';
import { REGIONAL } from './types';

/**
 * A join's network as the registry record names it (docs/joins.md "Latency"): the slices the join's tasks read
 * (RunProbe, CheckJoinNetwork, AttachFunction, RecordMembership, ReportResult), in their shapes, without finding
 * them again. No slice carries a `ledger`: a join created none of it, so its Rollback deletes none of it.
 */
export interface RecordedNetwork {
  readonly audit: { readonly mode: 'create' };
  readonly vpc: { readonly vpcId: string };
  readonly subnets: {
    readonly subnets: ReadonlyArray<{ readonly subnetId: string; readonly az: string; readonly tier: 'private' | 'public' }>;
    readonly privateSubnetIds: string[];
    readonly publicSubnetIds: string[];
  };
  readonly internetGateway: { readonly internetGatewayId: string };
  readonly securityGroup: { readonly groupId: string };
  readonly natGateways: ReadonlyArray<{ readonly natTargetId: string; readonly az: string }>;
  /** The S3 gateway endpoint the record's ledger holds; absent when the network has none (s3Endpoint false). */
  readonly s3EndpointId?: string;
}

/**
 * The record's network, or undefined when the record cannot name all of it: then the join finds it as a build
 * does. Only a network lambda-egress built (mode `create`: its ledger holds every part, with the AZ of each
 * subnet and zonal NAT gateway), without IPv6 (the record keeps no subnet's IPv6 block, which the result names)
 * and without NAT instances (their health takes more reads than a NAT gateway's state: CheckNatGateways').
 */
export function recordedNetwork(record: NetworkRecord): RecordedNetwork | undefined {
  const { vpcId, securityGroupId, privateSubnetIds, natTargetIds, ledger } = record;
  if (record.mode !== 'create' || record.ipv6 === true || !vpcId || !securityGroupId) return undefined;
  if (privateSubnetIds.length === 0 || natTargetIds.length === 0 || natTargetIds.some(isNatInstanceTarget)) return undefined;
  const ledgered = (kind: string) => ledger.filter((entry) => entry.kind === kind);
  const subnetAz = new Map(ledgered('subnet').map((entry) => [entry.id, entry.az]));
  const regional = natModeOf(record.natGatewayMode).availability === 'regional';
  const natAz = new Map(ledgered('nat-gateway').map((entry) => [entry.id, regional ? REGIONAL : entry.az]));
  const internetGatewayId = ledgered('internet-gateway')[0]?.id;
  const s3EndpointId = record.s3Endpoint === false ? undefined : ledgered('vpc-endpoint')[0]?.id;
  if (!internetGatewayId || (record.s3Endpoint !== false && !s3EndpointId)) return undefined;
  const subnets = [...subnetAz.entries()].map(([subnetId, az]) => ({ subnetId, az: az ?? '', tier: privateSubnetIds.includes(subnetId) ? ('private' as const) : ('public' as const) }));
  if (privateSubnetIds.some((id) => !subnetAz.get(id)) || natTargetIds.some((id) => !natAz.get(id))) return undefined;
  return {
    audit: { mode: 'create' },
    vpc: { vpcId },
    subnets: { subnets, privateSubnetIds: [...privateSubnetIds], publicSubnetIds: subnets.filter((subnet) => subnet.tier === 'public').map((subnet) => subnet.subnetId) },
    internetGateway: { internetGatewayId },
    securityGroup: { groupId: securityGroupId },
    natGateways: natTargetIds.map((natTargetId) => ({ natTargetId, az: natAz.get(natTargetId) ?? '' })),
    ...(s3EndpointId ? { s3EndpointId } : {}),
  };
}
