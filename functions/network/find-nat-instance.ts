import { DescribeNetworkInterfacesCommand, type EC2Client, type NetworkInterface, type RouteTable } from '@aws-sdk/client-ec2';
import { IPV4_DEFAULT, routeTo } from './route-tables';
import { isOfNetwork, ROLE } from './network-lookup';
import type { AuditedNatGateway, AuditedSubnet } from './types';

/**
 * NAT instances of an existing VPC, as the audit sees them: the network interfaces a default route targets (a
 * route to an instance names its primary interface too: DescribeRouteTables returns both ids).
 *
 * The rule: a route to a network interface is usable egress when that interface
 *   - has source/destination check off (else EC2 drops the traffic it forwards: Amazon VPC User Guide, NAT
 *     instances, https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html),
 *   - has a public IPv4 address (an Elastic IP or one assigned at launch),
 *   - is in a public subnet (0.0.0.0/0 -> the VPC's internet gateway),
 *   - and is attached to an instance, or is a lambda-egress NAT instance ENI (its Auto Scaling group attaches it
 *     to every instance it launches: detached only while it replaces one).
 * Anything else a route targets (a firewall appliance, an interface with the check on) is "routed elsewhere".
 */
export async function natInstanceEnisOf(ec2: EC2Client, tables: readonly RouteTable[]): Promise<NetworkInterface[]> {
  const ids = [...new Set(tables.map((table) => routeTo(table, IPV4_DEFAULT)?.NetworkInterfaceId).filter((id): id is string => Boolean(id)))];
  if (ids.length === 0) return [];
  // The filter form: NetworkInterfaceIds would fail the whole call if one of them were gone.
  const described = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: ids }] }));
  return (described.NetworkInterfaces ?? []).filter((eni) => eni.SourceDestCheck === false);
}

export function auditNatInstance(eni: NetworkInterface, subnets: readonly AuditedSubnet[], networkName: string): AuditedNatGateway {
  const home = subnets.find((subnet) => subnet.subnetId === eni.SubnetId);
  const attached = Boolean(eni.Attachment?.InstanceId) && eni.Attachment?.Status !== 'detached' && eni.Attachment?.Status !== 'detaching';
  const ours = isOfNetwork(eni.TagSet, networkName, ROLE.natInstanceEni);
  const usable = eni.SourceDestCheck === false && Boolean(eni.Association?.PublicIp) && home?.class === 'public' && (attached || ours);
  return {
    natTargetId: eni.NetworkInterfaceId ?? '',
    az: home?.az ?? eni.AvailabilityZone ?? '',
    subnetId: eni.SubnetId ?? '',
    state: attached ? 'available' : (eni.Status ?? 'unknown'),
    usable,
    kind: 'instance',
  };
}
