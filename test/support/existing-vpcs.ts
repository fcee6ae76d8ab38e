import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

/**
 * Existing VPCs as a user has them, built straight with the EC2 SDK (no lambda-egress code, no lambda-egress
 * tags): the starting points of the existing-mode tests.
 */
export interface ExistingVpc {
  readonly vpcId: string;
  readonly internetGatewayId?: string;
  readonly publicRouteTableId?: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly natGatewayIds: string[];
  /** Route table of each private subnet, in the order of privateSubnetIds. */
  readonly privateRouteTableIds: string[];
}

export const AZS = ['us-east-1a', 'us-east-1b'] as const;

async function vpcWithInternetGateway(ec2: EC2Client, cidr: string) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const internetGatewayId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  const publicRouteTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: publicRouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: internetGatewayId }));
  return { vpcId, internetGatewayId, publicRouteTableId };
}

async function subnet(ec2: EC2Client, vpcId: string, cidr: string, az: string, routeTableId?: string): Promise<string> {
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
  if (routeTableId) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  return subnetId;
}

/** (a) An IGW and a public subnet per AZ on a public route table; nothing private. */
export async function publicOnlyVpc(ec2: EC2Client, second = 1): Promise<ExistingVpc> {
  const { vpcId, internetGatewayId, publicRouteTableId } = await vpcWithInternetGateway(ec2, `10.${second}.0.0/16`);
  const publicSubnetIds = [];
  for (const [index, az] of AZS.entries()) publicSubnetIds.push(await subnet(ec2, vpcId, `10.${second}.${index}.0/24`, az, publicRouteTableId));
  return { vpcId, internetGatewayId, publicRouteTableId, publicSubnetIds, privateSubnetIds: [], natGatewayIds: [], privateRouteTableIds: [] };
}

/** (b) What the guide builds by hand: per AZ a public subnet with a NAT, a private subnet routed to it. */
export async function completeVpc(ec2: EC2Client, second = 2): Promise<ExistingVpc> {
  const { vpcId, internetGatewayId, publicRouteTableId } = await vpcWithInternetGateway(ec2, `10.${second}.0.0/16`);
  const publicSubnetIds = [];
  const privateSubnetIds = [];
  const natGatewayIds = [];
  const privateRouteTableIds = [];
  for (const [index, az] of AZS.entries()) {
    const publicSubnetId = await subnet(ec2, vpcId, `10.${second}.${index}.0/24`, az, publicRouteTableId);
    publicSubnetIds.push(publicSubnetId);
    const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const natGatewayId = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    natGatewayIds.push(natGatewayId);
    const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natGatewayId }));
    privateSubnetIds.push(await subnet(ec2, vpcId, `10.${second}.${16 * (index + 1)}.0/20`, az, routeTableId));
    privateRouteTableIds.push(routeTableId);
  }
  return { vpcId, internetGatewayId, publicRouteTableId, publicSubnetIds, privateSubnetIds, natGatewayIds, privateRouteTableIds };
}

/** (c) Public subnets, and one "private" subnet whose default route goes to a transit gateway. */
export async function transitGatewayVpc(ec2: EC2Client, second = 3): Promise<ExistingVpc & { transitGatewayId: string }> {
  const { vpcId, internetGatewayId, publicRouteTableId } = await vpcWithInternetGateway(ec2, `10.${second}.0.0/16`);
  const publicSubnetIds = [];
  for (const [index, az] of AZS.entries()) publicSubnetIds.push(await subnet(ec2, vpcId, `10.${second}.${index}.0/24`, az, publicRouteTableId));
  const transitGatewayId = (await ec2.send(new CreateTransitGatewayCommand({ Description: 'corporate network' }))).TransitGateway!.TransitGatewayId!;
  const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: transitGatewayId }));
  const privateSubnetId = await subnet(ec2, vpcId, `10.${second}.16.0/20`, AZS[0], routeTableId);
  return { vpcId, internetGatewayId, publicRouteTableId, publicSubnetIds, privateSubnetIds: [privateSubnetId], natGatewayIds: [], privateRouteTableIds: [routeTableId], transitGatewayId };
}

/** DescribeRouteTables of one table as JSON, request metadata left out: for byte-for-byte comparisons. */
export async function routeTableJson(ec2: EC2Client, routeTableId: string): Promise<string> {
  const { $metadata: _metadata, ...described } = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
  return JSON.stringify(described);
}

export { subnet as createSubnet };
