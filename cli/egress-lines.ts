import type { EgressIdentity } from '../functions/network/egress-address';
import type { Palette } from './io';

/** One line per AZ: its addresses (and the NAT they belong to), then the IPv6 prefixes. Shared by provision, networks and diagnose. */
export function egressLines(identity: Pick<EgressIdentity, 'addresses' | 'ipv6Prefixes'>, colors: Palette): string[] {
  if (identity.addresses.length === 0 && identity.ipv6Prefixes.length === 0) return [colors.yellow('none known (no NAT with a public address)')];
  const byAz = new Map<string, string[]>();
  for (const address of identity.addresses) byAz.set(address.az || '?', [...(byAz.get(address.az || '?') ?? []), `${address.publicIp}${address.allocatedBy === 'account' ? ' (yours)' : ''}`]);
  return [
    ...[...byAz].map(([az, ips]) => `${ips.join(', ')}  ${colors.dim(`(${az})`)}`),
    ...identity.ipv6Prefixes.map((prefix) => `${prefix.cidr}  ${colors.dim(`(IPv6, ${prefix.az}: the function's own addresses)`)}`),
  ];
}

/** The plain form: one address or prefix per line, nothing else, for a partner's allow-list or a firewall. */
export function plainEgressLines(identity: EgressIdentity): string[] {
  return [...identity.egressIps, ...identity.ipv6Prefixes.map((prefix) => prefix.cidr)];
}
