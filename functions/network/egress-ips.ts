import {
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  type Address,
  type EC2Client,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { isManaged } from '../shared/tags';
import { addressesOfNatGateway, addressesOfNatInstance, egressIdentity, ipv6PrefixesOf, type EgressIdentity } from './egress-address';
import { isNatInstanceTarget } from './nat-targets';

export type { EgressIdentity } from './egress-address';

interface NetworkEgressQuery {
  /** The NAT gateways (nat-...) and NAT instance network interfaces (eni-...) the network's private subnets route to. */
  readonly natIds: readonly string[];
  /** The subnets the network's functions sit in: their IPv6 prefixes. */
  readonly privateSubnetIds?: readonly string[];
}

/**
 * What AWS holds now for a network (the registry's NAT ids and private subnets, or a result's): the NAT gateways'
 * addresses (DescribeNatGateways), the NAT instances' (DescribeNetworkInterfaces), each address's owner
 * (DescribeAddresses, by tags) and the private subnets' IPv6 prefixes (DescribeSubnets). Read-only; a NAT that is
 * gone contributes nothing. The one function the CLI (`egress-ips`, `networks`, `diagnose`), the catalog API and the
 * published SSM parameters read egress IPs through.
 */
export async function egressIpsOf(ec2: EC2Client, query: NetworkEgressQuery): Promise<EgressIdentity> {
  const natGatewayIds = query.natIds.filter((id) => !isNatInstanceTarget(id));
  const eniIds = query.natIds.filter((id) => isNatInstanceTarget(id));
  // The filter forms answer without an error for an id that is gone (the id forms fail the whole call).
  const [nats, enis] = await Promise.all([
    natGatewayIds.length > 0 ? ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'nat-gateway-id', Values: natGatewayIds }] })).then((answer) => answer.NatGateways ?? []) : [],
    eniIds.length > 0 ? ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: eniIds }] })).then((answer) => answer.NetworkInterfaces ?? []) : [],
  ]);
  const subnetIds = [...new Set([...nats.flatMap((nat) => (nat.SubnetId ? [nat.SubnetId] : [])), ...(query.privateSubnetIds ?? [])])];
  const subnets: Subnet[] = subnetIds.length > 0 ? ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: subnetIds }] }))).Subnets ?? []) : [];
  const azOf = new Map(subnets.map((subnet) => [subnet.SubnetId ?? '', subnet.AvailabilityZone ?? '']));
  const addresses = [...nats.flatMap((nat) => addressesOfNatGateway(nat, azOf.get(nat.SubnetId ?? '') ?? '')), ...enis.flatMap(addressesOfNatInstance)];
  const owners = await allocationOwners(ec2, addresses.flatMap((address) => (address.allocationId ? [address.allocationId] : [])));
  const privateSubnets = new Set(query.privateSubnetIds ?? []);
  const ipv6 = subnets
    .filter((subnet) => privateSubnets.has(subnet.SubnetId ?? ''))
    .map((subnet) => ({ subnetId: subnet.SubnetId ?? '', az: subnet.AvailabilityZone ?? '', ipv6Cidr: subnet.Ipv6CidrBlockAssociationSet?.find((block) => block.Ipv6CidrBlock)?.Ipv6CidrBlock }));
  return egressIdentity(
    addresses.map((address) => {
      const owner = address.allocationId ? owners.get(address.allocationId) : undefined;
      return owner ? { ...address, allocatedBy: owner } : address;
    }),
    ipv6PrefixesOf(ipv6.map(({ ipv6Cidr, ...rest }) => (ipv6Cidr ? { ...rest, ipv6Cidr } : rest))),
  );
}

/** allocation id -> who allocated it, for the addresses DescribeAddresses lists (a regional NAT gateway's AWS-managed ones may not be). */
async function allocationOwners(ec2: EC2Client, allocationIds: readonly string[]): Promise<Map<string, 'lambda-egress' | 'account'>> {
  const owners = new Map<string, 'lambda-egress' | 'account'>();
  if (allocationIds.length === 0) return owners;
  const described = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'allocation-id', Values: [...allocationIds] }] }));
  for (const address of described.Addresses ?? ([] as Address[])) {
    if (address.AllocationId) owners.set(address.AllocationId, isManaged(address.Tags) ? 'lambda-egress' : 'account');
  }
  return owners;
}
