import type { NatGateway, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { isOfNetwork } from './network-lookup';
import { effectiveRouteTable, IPV4_DEFAULT, IPV6_DEFAULT, routeTarget, routeTo } from './route-tables';
import { REGIONAL, type AuditedNatGateway, type AuditedSubnet, type SubnetClass } from './types';

/**
 * Classifies a subnet of an existing VPC by its default route, as the AWS guide's route table check does: public
 * (0.0.0.0/0 -> the VPC's internet gateway), private (-> a NAT gateway, or a NAT instance's network interface:
 * source/destination check off, find-nat-instance.ts), isolated (no default route) or routed
 * elsewhere (transit gateway, firewall endpoint, peering, instance, ENI, a blackhole...: reported, never changed).
 */
export function auditSubnet(subnet: Subnet, tables: readonly RouteTable[], internetGatewayId: string | undefined, networkName: string, natInstanceEnis: ReadonlySet<string> = new Set()): AuditedSubnet {
  const subnetId = subnet.SubnetId ?? '';
  const { table, isMain } = effectiveRouteTable(tables, subnetId);
  const ipv4 = routeTo(table, IPV4_DEFAULT);
  const ipv6 = routeTo(table, IPV6_DEFAULT);
  const target = ipv4 ? routeTarget(ipv4) : undefined;
  let kind: SubnetClass = 'isolated';
  if (ipv4) {
    if (ipv4.State === 'blackhole') kind = 'routed-elsewhere';
    else if (target && target === internetGatewayId) kind = 'public';
    else if (target?.startsWith('nat-') || (target && natInstanceEnis.has(target))) kind = 'private';
    else kind = 'routed-elsewhere';
  }
  const ipv6Cidr = subnet.Ipv6CidrBlockAssociationSet?.find((association) => association.Ipv6CidrBlock)?.Ipv6CidrBlock;
  return {
    subnetId,
    az: subnet.AvailabilityZone ?? '',
    cidr: subnet.CidrBlock ?? '',
    ...(ipv6Cidr ? { ipv6Cidr } : {}),
    class: kind,
    routeTableId: table?.RouteTableId ?? '',
    routeTableIsMain: isMain,
    ...(target ? { defaultRouteTarget: target } : {}),
    ...(ipv6 ? { ipv6DefaultRouteTarget: routeTarget(ipv6) } : {}),
    managed: isOfNetwork(subnet.Tags, networkName),
  };
}

/**
 * A NAT gateway is usable when it is pending or available, public, and in a public subnet. A regional one has no
 * subnet: AWS gives it a route table of its own with a route to the VPC's internet gateway
 * (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html), so it is usable while the VPC
 * has an internet gateway attached, for every AZ of the VPC.
 */
export function auditNat(nat: NatGateway, subnets: readonly AuditedSubnet[], internetGatewayId: string | undefined): AuditedNatGateway {
  const home = subnets.find((subnet) => subnet.subnetId === nat.SubnetId);
  const state = nat.State ?? 'unknown';
  const live = state === 'available' || state === 'pending';
  const isPublic = (nat.ConnectivityType ?? 'public') === 'public';
  if (nat.AvailabilityMode === REGIONAL) {
    return { natTargetId: nat.NatGatewayId ?? '', az: REGIONAL, subnetId: '', state, usable: live && isPublic && Boolean(internetGatewayId), availabilityMode: REGIONAL };
  }
  return {
    natTargetId: nat.NatGatewayId ?? '',
    az: home?.az ?? '',
    subnetId: nat.SubnetId ?? '',
    state,
    usable: (state === 'available' || state === 'pending') && home?.class === 'public' && (nat.ConnectivityType ?? 'public') === 'public',
  };
}
