import type { NatGateway, NetworkInterface } from '@aws-sdk/client-ec2';

/**
 * The egress identity of a network: the public IPv4 addresses its functions' traffic leaves from (what a partner
 * allow-lists), and for IPv6 the prefixes of the subnets the functions sit in (through an egress-only internet
 * gateway a function leaves from its own address, so the subnet's /64 is what a partner allow-lists).
 */
export interface EgressAddress {
  readonly publicIp: string;
  /** The AZ whose traffic leaves from it: the zonal NAT gateway's or NAT instance's AZ, or the regional NAT gateway's entry. */
  readonly az: string;
  /** The NAT gateway (nat-...) or the NAT instance's network interface (eni-...) the address belongs to. */
  readonly natId: string;
  readonly allocationId?: string;
  /** Who allocated the Elastic IP, when DescribeAddresses says: lambda-egress (its tags), or the account (a VPC's own NAT, a borrowed address). */
  readonly allocatedBy?: 'lambda-egress' | 'account';
}

export interface Ipv6EgressPrefix {
  readonly az: string;
  readonly subnetId: string;
  readonly cidr: string;
}

export interface EgressIdentity {
  /** Every public IPv4 address, sorted, each once: the one field a script or a firewall reads. */
  readonly egressIps: string[];
  readonly addresses: EgressAddress[];
  readonly ipv6Prefixes: Ipv6EgressPrefix[];
}

const GONE_NAT_STATES = new Set(['deleting', 'deleted', 'failed']);
const UNUSED_ADDRESS_STATES = new Set(['disassociating', 'disassociated', 'failed']);

/**
 * The addresses of one NAT gateway as DescribeNatGateways holds them (NatGatewayAddresses). A zonal NAT gateway
 * has no AZ of its own in that answer: `az` is its subnet's. A regional one lists its addresses per AZ
 * (NatGatewayAddress.AvailabilityZone, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGatewayAddress.html).
 */
export function addressesOfNatGateway(nat: NatGateway, az: string): EgressAddress[] {
  if (!nat.NatGatewayId || GONE_NAT_STATES.has(nat.State ?? '')) return [];
  return (nat.NatGatewayAddresses ?? []).flatMap((address) =>
    address.PublicIp && !UNUSED_ADDRESS_STATES.has(address.Status ?? '')
      ? [{ publicIp: address.PublicIp, az: address.AvailabilityZone ?? az, natId: nat.NatGatewayId ?? '', ...(address.AllocationId ? { allocationId: address.AllocationId } : {}) }]
      : [],
  );
}

/** A NAT instance leaves from the public address associated with its fixed network interface. */
export function addressesOfNatInstance(eni: NetworkInterface): EgressAddress[] {
  const publicIp = eni.Association?.PublicIp;
  if (!publicIp || !eni.NetworkInterfaceId) return [];
  return [{ publicIp, az: eni.AvailabilityZone ?? '', natId: eni.NetworkInterfaceId, ...(eni.Association?.AllocationId ? { allocationId: eni.Association.AllocationId } : {}) }];
}

/** The IPv6 prefixes of the subnets (those with one). */
export function ipv6PrefixesOf(subnets: ReadonlyArray<{ readonly subnetId: string; readonly az: string; readonly ipv6Cidr?: string }>): Ipv6EgressPrefix[] {
  return subnets.flatMap((subnet) => (subnet.ipv6Cidr ? [{ az: subnet.az, subnetId: subnet.subnetId, cidr: subnet.ipv6Cidr }] : []));
}

export function egressIdentity(addresses: readonly EgressAddress[], ipv6Prefixes: readonly Ipv6EgressPrefix[] = []): EgressIdentity {
  const sorted = [...addresses].sort((a, b) => a.az.localeCompare(b.az) || a.publicIp.localeCompare(b.publicIp));
  return {
    egressIps: [...new Set(sorted.map((address) => address.publicIp))].sort(compareIps),
    addresses: sorted,
    ipv6Prefixes: [...ipv6Prefixes].sort((a, b) => a.az.localeCompare(b.az) || a.subnetId.localeCompare(b.subnetId)),
  };
}

/** Numeric order for dotted IPv4 addresses (10.0.0.9 before 10.0.0.10). */
function compareIps(a: string, b: string): number {
  const key = (ip: string) => ip.split('.').map((part) => part.padStart(3, '0')).join('.');
  return key(a).localeCompare(key(b));
}
