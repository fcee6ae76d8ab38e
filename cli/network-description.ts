import { DescribeSubnetsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { natGatewaysOf } from '../functions/network/find-nat-gateway';
import { effectiveRouteTable, mainRouteTable, routeDestination, routeTablesOf, routeTarget } from '../functions/network/route-tables';
import type { ProvisionResult } from '../functions/report/types';
import type { NetworkDetails } from './diagram';

/**
 * Reads the VPC the result names (describe calls only) for what the diagram shows beyond the result:
 * each subnet's AZ, CIDRs and route table (explicit association, else the main table), and every route.
 */
export async function describeNetwork(ec2: EC2Client, result: ProvisionResult): Promise<NetworkDetails> {
  const vpcId = result.network.vpcId;
  const subnetIds = [...result.network.publicSubnetIds, ...result.network.privateSubnetIds];
  const [vpcs, subnets, routeTables, nats] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })),
    subnetIds.length > 0 ? ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds })) : Promise.resolve({ Subnets: [] }),
    routeTablesOf(ec2, vpcId),
    natGatewaysOf(ec2, vpcId),
  ]);
  const mainTable = mainRouteTable(routeTables);
  const tableOf = (subnetId: string) => effectiveRouteTable(routeTables, subnetId).table?.RouteTableId;
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
      main: table === mainTable,
      routes: (table.Routes ?? [])
        .filter((route) => route.State !== 'blackhole')
        .map((route) => ({
          destination: routeDestination(route) ?? route.DestinationPrefixListId ?? '?',
          target: routeTarget(route),
        })),
    })),
    natGateways: nats
      .filter((nat) => nat.State !== 'deleted' && nat.State !== 'deleting')
      .map((nat) => ({ id: nat.NatGatewayId ?? '', ...optional('subnetId', nat.SubnetId) })),
  };
}
