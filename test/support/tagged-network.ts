import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeAddressesCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type ResourceType,
} from '@aws-sdk/client-ec2';
import { tagSpecifications, TAG_EXECUTION } from '../../functions/shared/tags';

/** Ids of a small egress network built directly with the SDK, every resource tagged with one execution id. */
export interface TaggedNetwork {
  vpcId: string;
  publicSubnetId: string;
  privateSubnetId: string;
  internetGatewayId: string;
  egressOnlyInternetGatewayId: string;
  allocationId: string;
  natGatewayId: string;
  publicRouteTableId: string;
  privateRouteTableId: string;
  securityGroupId: string;
  vpcEndpointId: string;
}

export async function buildTaggedNetwork(ec2: EC2Client, executionId: string, cidr = '10.20.0.0/16'): Promise<TaggedNetwork> {
  const tags = (type: ResourceType, role: string) => tagSpecifications(type, { networkName: 'rollback-test', executionId, role });
  const prefix = cidr.split('.').slice(0, 2).join('.');
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tags('vpc', 'vpc') }));
  const vpcId = vpc.Vpc!.VpcId!;
  const publicSubnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${prefix}.0.0/24`, AvailabilityZone: 'us-east-1a', TagSpecifications: tags('subnet', 'public-subnet') }));
  const privateSubnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${prefix}.16.0/20`, AvailabilityZone: 'us-east-1a', TagSpecifications: tags('subnet', 'private-subnet') }));
  const igw = await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tags('internet-gateway', 'igw') }));
  const internetGatewayId = igw.InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  const eigw = await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpcId, TagSpecifications: tags('egress-only-internet-gateway', 'eigw') }));
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tags('elastic-ip', 'nat-eip') }));
  const nat = await ec2.send(
    new CreateNatGatewayCommand({ SubnetId: publicSubnet.Subnet!.SubnetId!, AllocationId: eip.AllocationId!, TagSpecifications: tags('natgateway', 'nat') }),
  );
  const publicTable = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: tags('route-table', 'public-rt') }));
  const privateTable = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: tags('route-table', 'private-rt') }));
  const publicRouteTableId = publicTable.RouteTable!.RouteTableId!;
  const privateRouteTableId = privateTable.RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicRouteTableId, SubnetId: publicSubnet.Subnet!.SubnetId! }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateRouteTableId, SubnetId: privateSubnet.Subnet!.SubnetId! }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: publicRouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: internetGatewayId }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: privateRouteTableId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.NatGateway!.NatGatewayId! }));
  const sg = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `egress-${executionId.slice(-8)}`, Description: 'egress only', TagSpecifications: tags('security-group', 'sg') }));
  const endpoint = await ec2.send(
    new CreateVpcEndpointCommand({ VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [privateRouteTableId], TagSpecifications: tags('vpc-endpoint', 's3') }),
  );
  return {
    vpcId,
    publicSubnetId: publicSubnet.Subnet!.SubnetId!,
    privateSubnetId: privateSubnet.Subnet!.SubnetId!,
    internetGatewayId,
    egressOnlyInternetGatewayId: eigw.EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId!,
    allocationId: eip.AllocationId!,
    natGatewayId: nat.NatGateway!.NatGatewayId!,
    publicRouteTableId,
    privateRouteTableId,
    securityGroupId: sg.GroupId!,
    vpcEndpointId: endpoint.VpcEndpoint!.VpcEndpointId!,
  };
}

/** One live EC2 resource of the account, with its tags (deleted NATs and endpoints are left out). */
export interface LiveResource {
  readonly kind: string;
  readonly id: string;
  readonly tags: Array<{ Key?: string; Value?: string }>;
}

/** Every live VPC-related EC2 resource of the account, described kind by kind. */
export async function liveResources(ec2: EC2Client): Promise<LiveResource[]> {
  const [vpcs, subnets, igws, eigws, nats, addresses, tables, groups, endpoints, enis, templates] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({})),
    ec2.send(new DescribeSubnetsCommand({})),
    ec2.send(new DescribeInternetGatewaysCommand({})),
    ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({})),
    ec2.send(new DescribeNatGatewaysCommand({})),
    ec2.send(new DescribeAddressesCommand({})),
    ec2.send(new DescribeRouteTablesCommand({})),
    ec2.send(new DescribeSecurityGroupsCommand({})),
    ec2.send(new DescribeVpcEndpointsCommand({})),
    ec2.send(new DescribeNetworkInterfacesCommand({})),
    ec2.send(new DescribeLaunchTemplatesCommand({})),
  ]);
  const of = (kind: string, id: string | undefined, tags: LiveResource['tags'] | undefined): LiveResource => ({ kind, id: id ?? '', tags: tags ?? [] });
  return [
    ...(vpcs.Vpcs ?? []).map((v) => of('vpc', v.VpcId, v.Tags)),
    ...(subnets.Subnets ?? []).map((s) => of('subnet', s.SubnetId, s.Tags)),
    ...(igws.InternetGateways ?? []).map((g) => of('igw', g.InternetGatewayId, g.Tags)),
    ...(eigws.EgressOnlyInternetGateways ?? []).map((g) => of('eigw', g.EgressOnlyInternetGatewayId, g.Tags)),
    ...(nats.NatGateways ?? []).filter((n) => n.State !== 'deleted').map((n) => of('nat', n.NatGatewayId, n.Tags)),
    ...(addresses.Addresses ?? []).map((a) => of('eip', a.AllocationId, a.Tags)),
    ...(tables.RouteTables ?? []).map((t) => of('routeTable', t.RouteTableId, t.Tags)),
    ...(groups.SecurityGroups ?? []).map((g) => of('securityGroup', g.GroupId, g.Tags)),
    ...(endpoints.VpcEndpoints ?? []).filter((e) => e.State?.toLowerCase() !== 'deleted').map((e) => of('endpoint', e.VpcEndpointId, e.Tags)),
    // natGateways "instance": the fixed ENIs and the launch templates
    ...(enis.NetworkInterfaces ?? []).map((n) => of('networkInterface', n.NetworkInterfaceId, n.TagSet)),
    ...(templates.LaunchTemplates ?? []).map((t) => of('launchTemplate', t.LaunchTemplateId, t.Tags)),
  ];
}

/** Every live EC2 resource carrying `lambda-egress:execution = executionId`. */
export async function resourcesTaggedWith(ec2: EC2Client, executionId: string): Promise<string[]> {
  const resources = await liveResources(ec2);
  return resources.filter((resource) => resource.tags.some((tag) => tag.Key === TAG_EXECUTION && tag.Value === executionId)).map((resource) => resource.id);
}
