import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { NormalizedNetwork } from '../../shared/types';
import { natGatewaysOf } from '../../network/find-nat-gateway';
import { findManagedVpc, isGone, subnetsOf } from '../../network/network-lookup';
import { checkZonesOfferNatInstance } from './availability-zones';
import { checkBlockPublicAccess, readBlockPublicAccess } from '../../network/block-public-access';
import { checkElasticIpRoom, readElasticIpRoom } from './elastic-ips';
import { elasticIpsToAllocate, elasticIpsWanted } from './elastic-ips-needed';
import { checkNameBinding } from './network-binding';
import { checkExistingVpcDns } from './vpc-dns';
import { checkNatGatewaysPerAz, checkVpcQuota } from './vpc-quotas';
import { natModeOf } from '../../network/nat-modes';

interface PreflightContext {
  readonly region: string;
  /** Reads the VPC quotas (vpc-quotas.ts); without it their documented defaults are assumed, and said so. */
  readonly serviceQuotas?: ServiceQuotasClient;
}

/**
 * What AWS or the account's settings would refuse part-way through provision, read before anything is created
 * (docs/preflight.md): the Elastic IP quota, VPC Block Public Access, an existing VPC's DNS, the NAT instance's
 * type in the VPC's AZs, the network name's VPC, and the VPC and NAT-gateways-per-AZ quotas. Reads only; each
 * refusal is an InvalidRequest naming the numbers and the fix. Returns the findings that warn without refusing.
 */
export async function preflight(ec2: EC2Client, network: NormalizedNetwork, context: PreflightContext): Promise<string[]> {
  const existing = network.mode === 'existing' ? network.vpcId : undefined;
  // The network's own VPC on a join (create mode): no new VPC, and its NAT gateways are reused.
  const own = existing ? undefined : (await findManagedVpc(ec2, network.name))?.VpcId;
  const vpcId = existing ?? own;
  const [bpa, , , , vpcNotes, natNotes] = await Promise.all([
    readBlockPublicAccess(ec2),
    checkNameBinding(ec2, network.name, existing ? { vpcId: existing } : {}),
    existing ? checkExistingVpcDns(ec2, existing) : undefined,
    existing && network.natInstanceType ? checkZonesOfferNatInstance(ec2, network.azs, network.natInstanceType, existing, context.region) : undefined,
    vpcId ? [] : checkVpcQuota(ec2, context.serviceQuotas, context.region),
    checkNatGatewaysPerAz(ec2, context.serviceQuotas, network, { region: context.region, ...(vpcId ? { vpcId } : {}) }),
  ]);
  const notes = [...vpcNotes, ...natNotes];
  if (bpa && bpa.mode !== 'off') {
    // Only when BPA blocks something: the VPC (existing, or the network's own on a join) and its subnets, whose exclusions count.
    const subnetIds = vpcId ? (await subnetsOf(ec2, vpcId)).flatMap((subnet) => (subnet.SubnetId ? [subnet.SubnetId] : [])) : [];
    checkBlockPublicAccess(bpa, { natGateways: network.natGateways, region: context.region, subnetIds, exclusionRequested: network.mode === 'create' && network.blockPublicAccessExclusion === true, ...(vpcId ? { vpcId } : {}) });
  }
  if (elasticIpsWanted(network) === 0) return notes;
  const [room, reused] = await Promise.all([readElasticIpRoom(ec2), existing ? liveNatGateways(ec2, existing) : 0]);
  const needed = elasticIpsToAllocate(network, room.addresses, reused);
  const why = natModeOf(network.natGateways).elasticIpsWhy(network.azs.length);
  checkElasticIpRoom(room, needed, { region: context.region, why });
  return notes;
}

/** NAT gateways an existing VPC has already: the audit may use them, so they are not counted as to allocate. */
async function liveNatGateways(ec2: EC2Client, vpcId: string): Promise<number> {
  return (await natGatewaysOf(ec2, vpcId)).filter((nat) => !isGone(nat.State) && (nat.ConnectivityType ?? 'public') === 'public').length;
}
