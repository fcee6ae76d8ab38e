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
  DescribeNatGatewaysCommand,
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

/** Every live EC2 resource carrying `lambda-egress:execution = executionId`, described kind by kind. */
export async function resourcesTaggedWith(ec2: EC2Client, executionId: string): Promise<string[]> {
  const has = (tags?: Array<{ Key?: string; Value?: string }>) => tags?.some((tag) => tag.Key === TAG_EXECUTION && tag.Value === executionId) ?? false;
  const left: string[] = [];
  const vpcs = await ec2.send(new DescribeVpcsCommand({}));
  left.push(...(vpcs.Vpcs ?? []).filter((v) => has(v.Tags)).map((v) => v.VpcId!));
  const subnets = await ec2.send(new DescribeSubnetsCommand({}));
  left.push(...(subnets.Subnets ?? []).filter((s) => has(s.Tags)).map((s) => s.SubnetId!));
  const igws = await ec2.send(new DescribeInternetGatewaysCommand({}));
  left.push(...(igws.InternetGateways ?? []).filter((g) => has(g.Tags)).map((g) => g.InternetGatewayId!));
  const eigws = await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({}));
  left.push(...(eigws.EgressOnlyInternetGateways ?? []).filter((g) => has(g.Tags)).map((g) => g.EgressOnlyInternetGatewayId!));
  const nats = await ec2.send(new DescribeNatGatewaysCommand({}));
  left.push(...(nats.NatGateways ?? []).filter((n) => has(n.Tags) && n.State !== 'deleted').map((n) => n.NatGatewayId!));
  const addresses = await ec2.send(new DescribeAddressesCommand({}));
  left.push(...(addresses.Addresses ?? []).filter((a) => has(a.Tags)).map((a) => a.AllocationId!));
  const tables = await ec2.send(new DescribeRouteTablesCommand({}));
  left.push(...(tables.RouteTables ?? []).filter((t) => has(t.Tags)).map((t) => t.RouteTableId!));
  const groups = await ec2.send(new DescribeSecurityGroupsCommand({}));
  left.push(...(groups.SecurityGroups ?? []).filter((g) => has(g.Tags)).map((g) => g.GroupId!));
  const endpoints = await ec2.send(new DescribeVpcEndpointsCommand({}));
  left.push(...(endpoints.VpcEndpoints ?? []).filter((e) => has(e.Tags) && e.State?.toLowerCase() !== 'deleted').map((e) => e.VpcEndpointId!));
  return left;
}
