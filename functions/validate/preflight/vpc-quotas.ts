import { paginateDescribeNatGateways, paginateDescribeSubnets, paginateDescribeVpcs, type EC2Client, type NatGateway } from '@aws-sdk/client-ec2';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { InvalidRequest } from '../../shared/errors';
import { allPages } from '../../shared/paginate';
import type { NormalizedNetwork } from '../../shared/types';
import { NAT_GATEWAYS_PER_AZ, readQuota, VPCS_PER_REGION, type QuotaDefinition, type QuotaValue } from './service-quota';
import { natModeOf } from '../../network/nat-modes';

/**
 * The quotas of Amazon VPC a provision can run into after it has created things: a new VPC beyond "VPCs per
 * Region" fails VpcLimitExceeded; a NAT gateway beyond "NAT gateways per Availability Zone" fails
 * NatGatewayLimitExceeded after the VPC, subnets and internet gateway exist. Both count every VPC / NAT gateway
 * of the account, not only lambda-egress's; a NAT gateway counts while pending, available or deleting (Amazon VPC
 * User Guide, "Amazon VPC quotas": https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
 * A quota read from Service Quotas refuses; one Service Quotas did not give (its documented default assumed) only
 * warns, in the returned notes: a refusal on a guess would stop an account whose quota was raised.
 */

const COUNTED_NAT_STATES = new Set(['pending', 'available', 'deleting']);

/** A new VPC (create mode, the name has no VPC yet) within the VPCs-per-Region quota. */
export async function checkVpcQuota(ec2: EC2Client, serviceQuotas: ServiceQuotasClient | undefined, region: string): Promise<string[]> {
  const [quota, vpcs] = await Promise.all([readQuota(serviceQuotas, VPCS_PER_REGION), allPages(paginateDescribeVpcs({ client: ec2 }, {}), (page) => page.Vpcs)]);
  if (vpcs.length + 1 <= quota.value) return quota.assumed ? [quota.assumed] : [];
  const finding =
    `AWS would refuse the new VPC (VpcLimitExceeded): ${region} has ${vpcs.length} VPC(s) and the quota of ${VPCS_PER_REGION.name} is ${quota.value} (${VPCS_PER_REGION.quotaCode}). ` +
    `Delete a VPC you no longer use (aws ec2 describe-vpcs --region ${region}), ask for more (${increaseCommand(VPCS_PER_REGION, vpcs.length + 1, region)}), ` +
    'give an existing VPC (network.vpcId; --vpc-id), or join a network that exists (network.name; --network)';
  return refuseOrWarn(quota, 'network', finding, { quotaCode: VPCS_PER_REGION.quotaCode, quota: quota.value, inUse: vpcs.length, needed: 1 });
}

/**
 * The NAT gateways provision would create, per AZ (per-az: one in each AZ; single: one in the first), within the
 * NAT-gateways-per-AZ quota. `vpcId`: the network's VPC when it exists (existing mode, or a join), whose live NAT
 * gateways provision uses instead of creating one in that AZ.
 */
export async function checkNatGatewaysPerAz(ec2: EC2Client, serviceQuotas: ServiceQuotasClient | undefined, network: Pick<NormalizedNetwork, 'natGateways' | 'azs'>, context: { readonly region: string; readonly vpcId?: string }): Promise<string[]> {
  const mode = natModeOf(network.natGateways);
  if (mode.natGatewaysToCreate(network.azs, { any: false, inAz: () => false }).length === 0) return [];
  const counted = (await allPages(paginateDescribeNatGateways({ client: ec2 }, {}), (page) => page.NatGateways)).filter((nat) => COUNTED_NAT_STATES.has(nat.State ?? '') && nat.SubnetId);
  const azOf = await subnetAzs(ec2, counted);
  const inAz = (az: string, nats: readonly NatGateway[]) => nats.filter((nat) => azOf.get(nat.SubnetId ?? '') === az);
  const reused = counted.filter((nat) => context.vpcId !== undefined && nat.VpcId === context.vpcId && nat.State !== 'deleting' && (nat.ConnectivityType ?? 'public') === 'public');
  const toCreate = mode.natGatewaysToCreate(network.azs, { any: reused.length > 0, inAz: (az) => inAz(az, reused).length > 0 });
  if (toCreate.length === 0) return [];
  const quota = await readQuota(serviceQuotas, NAT_GATEWAYS_PER_AZ);
  const full = toCreate.map((az) => ({ az, inUse: inAz(az, counted).length })).filter(({ inUse }) => inUse + 1 > quota.value);
  if (full.length === 0) return quota.assumed ? [quota.assumed] : [];
  const worst = Math.max(...full.map(({ inUse }) => inUse));
  const finding =
    `AWS would refuse the NAT gateway in ${full.map(({ az, inUse }) => `${az} (${inUse} there)`).join(', ')} (NatGatewayLimitExceeded): the quota of ${NAT_GATEWAYS_PER_AZ.name} is ${quota.value} (${NAT_GATEWAYS_PER_AZ.quotaCode}), and a NAT gateway counts while pending, available or deleting. ` +
    `Delete NAT gateways you no longer use (aws ec2 describe-nat-gateways --region ${context.region}), ask for more (${increaseCommand(NAT_GATEWAYS_PER_AZ, worst + 1, context.region)}), ` +
    'choose other AZs (network.availabilityZones), or natGateways "regional" (no NAT gateway in an AZ) or "instance"';
  return refuseOrWarn(quota, 'network.natGateways', finding, { quotaCode: NAT_GATEWAYS_PER_AZ.quotaCode, quota: quota.value, fullAzs: full.map(({ az }) => az) });
}

function increaseCommand(quota: QuotaDefinition, desired: number, region: string): string {
  return `aws service-quotas request-service-quota-increase --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value ${desired} --region ${region}`;
}

function refuseOrWarn(quota: QuotaValue, field: string, finding: string, details: Record<string, unknown>): string[] {
  if (quota.assumed) return [`${quota.assumed}; if it was not raised: ${finding}`];
  throw new InvalidRequest(field, finding, details);
}

async function subnetAzs(ec2: EC2Client, nats: readonly NatGateway[]): Promise<Map<string, string>> {
  const ids = [...new Set(nats.flatMap((nat) => (nat.SubnetId ? [nat.SubnetId] : [])))];
  if (ids.length === 0) return new Map();
  // A filter, not SubnetIds: a subnet gone meanwhile is left out instead of failing the whole read.
  const subnets = await allPages(paginateDescribeSubnets({ client: ec2 }, { Filters: [{ Name: 'subnet-id', Values: ids }] }), (page) => page.Subnets);
  return new Map(subnets.flatMap((subnet) => (subnet.SubnetId && subnet.AvailabilityZone ? [[subnet.SubnetId, subnet.AvailabilityZone] as const] : [])));
}
