import {
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';

const ec2 = new EC2Client({});

export interface SubnetRouting {
  subnetId: string;
  az: string;
  routeTableId: string;
  defaultRoute?: string;
  ipv6DefaultRoute?: string;
}

/** The VPC as the console's resource map would show it, read back with Describe calls only. */
export async function describeTopology(vpcId: string) {
  const vpcFilter = [{ Name: 'vpc-id', Values: [vpcId] }];
  const [subnets, tables, igws, nats, endpoints] = await Promise.all([
    ec2.send(new DescribeSubnetsCommand({ Filters: vpcFilter })),
    ec2.send(new DescribeRouteTablesCommand({ Filters: vpcFilter })),
    ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] })),
    ec2.send(new DescribeNatGatewaysCommand({ Filter: vpcFilter })),
    ec2.send(new DescribeVpcEndpointsCommand({ Filters: vpcFilter })),
  ]);
  const main = tables.RouteTables?.find((table) => table.Associations?.some((association) => association.Main));
  const tableOf = (subnetId: string): RouteTable | undefined =>
    tables.RouteTables?.find((table) => table.Associations?.some((association) => association.SubnetId === subnetId)) ?? main;
  const routing: SubnetRouting[] = (subnets.Subnets ?? []).map((subnet) => {
    const table = tableOf(subnet.SubnetId!);
    const route = table?.Routes?.find((candidate) => candidate.DestinationCidrBlock === '0.0.0.0/0');
    const route6 = table?.Routes?.find((candidate) => candidate.DestinationIpv6CidrBlock === '::/0');
    return {
      subnetId: subnet.SubnetId!,
      az: subnet.AvailabilityZone!,
      routeTableId: table?.RouteTableId ?? '',
      ...(route ? { defaultRoute: route.NatGatewayId ?? route.GatewayId ?? route.TransitGatewayId ?? route.NetworkInterfaceId ?? 'other' } : {}),
      ...(route6 ? { ipv6DefaultRoute: route6.EgressOnlyInternetGatewayId ?? route6.GatewayId ?? 'other' } : {}),
    };
  });
  return {
    subnets: routing,
    internetGatewayIds: (igws.InternetGateways ?? []).map((igw) => igw.InternetGatewayId!),
    natGateways: (nats.NatGateways ?? []).filter((nat) => nat.State !== 'deleted').map((nat) => ({ id: nat.NatGatewayId!, subnetId: nat.SubnetId!, state: nat.State })),
    s3Endpoints: (endpoints.VpcEndpoints ?? []).filter((endpoint) => endpoint.State?.toLowerCase() !== 'deleted').map((endpoint) => ({ id: endpoint.VpcEndpointId!, routeTableIds: endpoint.RouteTableIds ?? [] })),
  };
}
