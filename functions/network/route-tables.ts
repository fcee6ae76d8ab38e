import { paginateDescribeRouteTables, type EC2Client, type Route, type RouteTable } from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';

/**
 * Reading route tables the way the AWS guide's "check the route table configuration" does: which table
 * routes a subnet, and where its default route goes. Pure helpers over DescribeRouteTables output.
 */

export const IPV4_DEFAULT = '0.0.0.0/0';
export const IPV6_DEFAULT = '::/0';

export async function routeTablesOf(ec2: EC2Client, vpcId: string): Promise<RouteTable[]> {
  return allPages(paginateDescribeRouteTables({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }), (page) => page.RouteTables);
}

export function mainRouteTable(tables: readonly RouteTable[]): RouteTable | undefined {
  return tables.find((table) => table.Associations?.some((association) => association.Main));
}

/** The table a subnet is explicitly associated with, if any. */
export function explicitRouteTable(tables: readonly RouteTable[], subnetId: string): RouteTable | undefined {
  return tables.find((table) => table.Associations?.some((association) => association.SubnetId === subnetId && !isDisassociated(association.AssociationState?.State)));
}

/** The table that routes a subnet: its explicit association, or else the VPC's main table. */
export function effectiveRouteTable(tables: readonly RouteTable[], subnetId: string): { table: RouteTable | undefined; isMain: boolean } {
  const explicit = explicitRouteTable(tables, subnetId);
  return explicit ? { table: explicit, isMain: false } : { table: mainRouteTable(tables), isMain: true };
}

export function associationOf(table: RouteTable, subnetId: string): string | undefined {
  return table.Associations?.find((association) => association.SubnetId === subnetId && !isDisassociated(association.AssociationState?.State))?.RouteTableAssociationId;
}

function isDisassociated(state: string | undefined): boolean {
  return state === 'disassociated' || state === 'disassociating' || state === 'failed';
}

export function routeTo(table: RouteTable | undefined, destination: string): Route | undefined {
  return table?.Routes?.find((route) => (destination.includes(':') ? route.DestinationIpv6CidrBlock : route.DestinationCidrBlock) === destination);
}

/** Whatever a route sends traffic to: igw-, nat-, tgw-, vpce- (firewall), pcx-, eni-, i-, eigw-, vgw-, local... */
export function routeTarget(route: Route): string {
  return (
    route.NatGatewayId ??
    route.TransitGatewayId ??
    route.VpcPeeringConnectionId ??
    route.EgressOnlyInternetGatewayId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.CarrierGatewayId ??
    route.LocalGatewayId ??
    route.CoreNetworkArn ??
    route.GatewayId ??
    'unknown'
  );
}

/** The CIDR a route matches (IPv4 or IPv6); undefined for a prefix-list route. */
export function routeDestination(route: Route): string | undefined {
  return route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
}

/** Only the VPC's own local routes: moving a subnet off such a table loses nothing. */
export function hasOnlyLocalRoutes(table: RouteTable | undefined): boolean {
  return (table?.Routes ?? []).every((route) => route.GatewayId === 'local');
}
