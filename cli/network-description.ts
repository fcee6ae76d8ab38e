import {
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { routeTarget } from '../functions/network/route-tables';
import type { ProvisionResult } from '../functions/report/types';
import type { NetworkDetails } from './diagram';

/**
 * Reads the VPC the result names (describe calls only) for what the diagram shows beyond the result:
 * each subnet's AZ, CIDRs and route table (explicit association, else the main table), and every route.
 */
export async function describeNetwork(ec2: EC2Client, result: ProvisionResult): Promise<NetworkDetails> {
  const vpcId = result.network.vpcId;
  const subnetIds = [...result.network.publicSubnetIds, ...result.network.privateSubnetIds];
  const [vpcs, subnets, tables, nats] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })),
    subnetIds.length > 0 ? ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds })) : Promise.resolve({ Subnets: [] }),
    ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
    ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] })),
  ]);
  const routeTables = tables.RouteTables ?? [];
  const mainTable = routeTables.find((table) => table.Associations?.some((association) => association.Main));
  const tableOf = (subnetId: string) =>
    routeTables.find((table) => table.Associations?.some((association) => association.SubnetId === subnetId))?.RouteTableId ?? mainTable?.RouteTableId;
  const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});
  return {
    ...optional('vpcCidr', vpcs.Vpcs?.[0]?.CidrBlock),
    subnets: (subnets.Subnets ?? []).map((subnet) => ({
      id: subnet.SubnetId ?? '',
      ...optional('az', subnet.AvailabilityZone),
      ...optional('cidr', subnet.CidrBlock),
      ...optional('ipv6Cidr', subnet.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock),
      ...optional('routeTableId', tableOf(subnet.SubnetId ?? '')),
    })),
    routeTables: routeTables.map((table) => ({
      id: table.RouteTableId ?? '',
      main: table.Associations?.some((association) => association.Main) === true,
      routes: (table.Routes ?? [])
        .filter((route) => route.State !== 'blackhole')
        .map((route) => ({
          destination: route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? route.DestinationPrefixListId ?? '?',
          target: routeTarget(route),
        })),
    })),
    natGateways: (nats.NatGateways ?? [])
      .filter((nat) => nat.State !== 'deleted' && nat.State !== 'deleting')
      .map((nat) => ({ id: nat.NatGatewayId ?? '', ...optional('subnetId', nat.SubnetId) })),
  };
}
