import { paginateDescribeNatGateways, type EC2Client, type NatGateway } from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';
import { createdBy } from '../shared/tags';
import type { NormalizedNetwork } from '../shared/types';
import { isGone, isOfNetwork } from './network-lookup';

/** Every NAT gateway of the VPC, deleted ones included (AWS lists those for about an hour). */
export async function natGatewaysOf(ec2: EC2Client, vpcId: string): Promise<NatGateway[]> {
  return allPages(paginateDescribeNatGateways({ client: ec2 }, { Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }), (page) => page.NatGateways);
}

interface WantedNatGateway {
  readonly subnetId: string;
  readonly network: Pick<NormalizedNetwork, 'mode' | 'name'>;
  readonly executionId: string;
}

/**
 * EnsureNatGateway's find step (also `lambda-egress plan`'s): the NAT gateway to use in a public subnet, among
 * the VPC's (natGatewaysOf; moto ignores tag filters on DescribeNatGateways, so subnet and tags are matched
 * here). Not deleted or failed; any in existing mode, only this network's in create mode; this execution's
 * first, then an available one, then by id.
 */
export function pickNatGateway(nats: readonly NatGateway[], wanted: WantedNatGateway): NatGateway | undefined {
  const candidates = nats.filter(
    (nat) => nat.SubnetId === wanted.subnetId && !isGone(nat.State) && (wanted.network.mode === 'existing' || isOfNetwork(nat.Tags, wanted.network.name)),
  );
  const rank = (nat: NatGateway) => (createdBy(nat.Tags, wanted.executionId) ? 0 : nat.State === 'available' ? 1 : 2);
  return candidates.sort((a, b) => rank(a) - rank(b) || (a.NatGatewayId ?? '').localeCompare(b.NatGatewayId ?? ''))[0];
}

/**
 * The regional NAT gateway to use in the VPC (natGateways "regional"), ranked like pickNatGateway: a VPC needs
 * only one, since it serves every AZ of the VPC (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html).
 */
export function pickRegionalNatGateway(nats: readonly NatGateway[], wanted: Omit<WantedNatGateway, 'subnetId'>): NatGateway | undefined {
  const regional = nats.filter((nat) => nat.AvailabilityMode === 'regional' && (nat.ConnectivityType ?? 'public') === 'public');
  return pickNatGateway(
    regional.map((nat) => ({ ...nat, SubnetId: REGIONAL_KEY })),
    { ...wanted, subnetId: REGIONAL_KEY },
  );
}

const REGIONAL_KEY = '(regional)';

export async function findNatGateway(ec2: EC2Client, vpcId: string, wanted: WantedNatGateway): Promise<NatGateway | undefined> {
  return pickNatGateway(await natGatewaysOf(ec2, vpcId), wanted);
}
