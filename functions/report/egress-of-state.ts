import { egressIdentity, ipv6PrefixesOf, type EgressAddress } from '../network/egress-address';
import { egressChangeOf } from './egress-change';
import type { ProvisionResult, ReportInput } from './types';

/**
 * The result's egress IPs, from the state: the addresses the NAT gateways' last check read from
 * DescribeNatGateways / DescribeNetworkInterfaces (check-nat-gateways.ts), and the IPv6 prefixes of the subnets
 * the function was attached to. Pure, like ReportResult.
 */
export function egressOfState(input: ReportInput): Pick<ProvisionResult['network'], 'egressIps' | 'egress' | 'egressChange'> {
  // The user's own addresses (network.eipAllocationIds) are reported as such. Nothing else is marked here: which
  // execution allocated an address must not make a repeated, no-op provision answer differently.
  const borrowed = new Set(input.request.network.eipAllocationIds ?? []);
  const addresses: EgressAddress[] = (input.natCheck?.gateways ?? [])
    .flatMap((gateway) => gateway.addresses ?? [])
    .map((address) => (address.allocationId && borrowed.has(address.allocationId) ? { ...address, allocatedBy: 'account' as const } : address));
  const attached = new Set(stringsOf(input.function?.attach?.subnetIds));
  const subnetsSlice = input.network?.subnets;
  const subnets = subnetsSlice && !Array.isArray(subnetsSlice) && Array.isArray(subnetsSlice.subnets) ? (subnetsSlice.subnets as unknown[]) : [];
  const privateSubnets = subnets.flatMap((subnet) => {
    const { subnetId, az, ipv6Cidr } = (subnet ?? {}) as { subnetId?: unknown; az?: unknown; ipv6Cidr?: unknown };
    if (typeof subnetId !== 'string' || !attached.has(subnetId)) return [];
    return [{ subnetId, az: typeof az === 'string' ? az : '', ...(typeof ipv6Cidr === 'string' ? { ipv6Cidr } : {}) }];
  });
  const identity = egressIdentity(addresses, ipv6PrefixesOf(privateSubnets));
  const egressChange = egressChangeOf(input.membership?.egressIpsBefore, identity.egressIps);
  return { egressIps: identity.egressIps, egress: { addresses: identity.addresses, ipv6Prefixes: identity.ipv6Prefixes }, ...(egressChange ? { egressChange } : {}) };
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
