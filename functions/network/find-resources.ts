import {
  paginateDescribeInternetGateways,
  paginateDescribeSecurityGroups,
  paginateDescribeVpcEndpoints,
  type EC2Client,
  type InternetGateway,
  type NatGateway,
  type SecurityGroup,
  type Subnet,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';
import { createdBy } from '../shared/tags';
import type { NormalizedNetwork, PlannedSubnet } from '../shared/types';
import { isGone, isOfNetwork, natGatewaysOf, networkTagFilters, ROLE, subnetRole } from './network-lookup';

/**
 * The "find" half of the Ensure* tasks (EnsureVpc's is network-lookup's findManagedVpc): what a retry, a
 * concurrent execution or `lambda-egress plan` finds before anything would be created. Read-only.
 */

/** EnsureSubnets: the network's subnet of this tier in this AZ, by its tags. */
export function findPlannedSubnet(subnets: readonly Subnet[], planned: Pick<PlannedSubnet, 'az' | 'tier'>, networkName: string): Subnet | undefined {
  const role = subnetRole(planned.tier);
  return subnets.find((candidate) => candidate.AvailabilityZone === planned.az && isOfNetwork(candidate.Tags, networkName, role));
}

/**
 * EnsureInternetGateway: the internet gateway attached to the VPC (a VPC has at most one). An attachment that
 * reads `detached` no longer counts
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InternetGatewayAttachment.html).
 */
export async function findAttachedInternetGateway(ec2: EC2Client, vpcId: string): Promise<InternetGateway | undefined> {
  const gateways = await allPages(paginateDescribeInternetGateways({ client: ec2 }, { Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }), (page) => page.InternetGateways);
  return gateways.find((igw) => igw.Attachments?.some((attachment) => attachment.VpcId === vpcId && attachment.State !== 'detached'));
}

export interface WantedNatGateway {
  readonly subnetId: string;
  readonly network: Pick<NormalizedNetwork, 'mode' | 'name'>;
  readonly executionId: string;
}

/**
 * EnsureNatGateway: the NAT gateway to use in a public subnet, among the VPC's (natGatewaysOf; moto ignores tag
 * filters on DescribeNatGateways, so subnet and tags are matched here). Not deleted or failed; any in existing
 * mode, only this network's in create mode; this execution's first, then an available one, then by id.
 */
export function pickNatGateway(nats: readonly NatGateway[], wanted: WantedNatGateway): NatGateway | undefined {
  const candidates = nats.filter(
    (nat) => nat.SubnetId === wanted.subnetId && !isGone(nat.State) && (wanted.network.mode === 'existing' || isOfNetwork(nat.Tags, wanted.network.name)),
  );
  const rank = (nat: NatGateway) => (createdBy(nat.Tags, wanted.executionId) ? 0 : nat.State === 'available' ? 1 : 2);
  return candidates.sort((a, b) => rank(a) - rank(b) || (a.NatGatewayId ?? '').localeCompare(b.NatGatewayId ?? ''))[0];
}

export async function findNatGateway(ec2: EC2Client, vpcId: string, wanted: WantedNatGateway): Promise<NatGateway | undefined> {
  return pickNatGateway(await natGatewaysOf(ec2, vpcId), wanted);
}

/** EnsureSecurityGroup: the network's egress group in the VPC, by its tags; this execution's first, then by id. */
export async function findNetworkSecurityGroup(ec2: EC2Client, vpcId: string, networkName: string, executionId: string): Promise<SecurityGroup | undefined> {
  const groups = await allPages(
    paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...networkTagFilters(networkName)] }),
    (page) => page.SecurityGroups,
  );
  const candidates = groups.filter((group) => group.VpcId === vpcId && isOfNetwork(group.Tags, networkName, ROLE.securityGroup));
  return candidates.find((group) => createdBy(group.Tags, executionId)) ?? candidates.sort((a, b) => (a.GroupId ?? '').localeCompare(b.GroupId ?? ''))[0];
}

/** The S3 gateway endpoint's service name in the client's region. */
export async function s3ServiceName(ec2: EC2Client): Promise<string> {
  return `com.amazonaws.${await ec2.config.region()}.s3`;
}

/**
 * EnsureS3Endpoint: a gateway endpoint for S3 in the VPC, whoever created it (it is reused either way); this
 * execution's first, then this network's, then by id. moto leaves the type unset when it was not given; AWS's
 * default is Gateway.
 */
export async function findS3Endpoint(ec2: EC2Client, vpcId: string, serviceName: string, networkName: string, executionId: string): Promise<VpcEndpoint | undefined> {
  const endpoints = await allPages(
    paginateDescribeVpcEndpoints(
      { client: ec2 },
      {
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'service-name', Values: [serviceName] },
        ],
      },
    ),
    (page) => page.VpcEndpoints,
  );
  const candidates = endpoints.filter((endpoint) => endpoint.VpcId === vpcId && (endpoint.VpcEndpointType ?? 'Gateway') === 'Gateway' && !isGone(endpoint.State));
  const rank = (endpoint: VpcEndpoint) => (createdBy(endpoint.Tags, executionId) ? 0 : isOfNetwork(endpoint.Tags, networkName) ? 1 : 2);
  return candidates.sort((a, b) => rank(a) - rank(b) || (a.VpcEndpointId ?? '').localeCompare(b.VpcEndpointId ?? ''))[0];
}
