/** IPv4 and IPv6 CIDR arithmetic for subnet planning and reachability rules. Pure, no AWS. */

export interface Ipv4Block {
  /** First address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when malformed (octet > 255, prefix > 32, leading junk). */
export function parseIpv4Cidr(text: string): { address: number; prefix: number } | undefined {
  const match = IPV4.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  return { address, prefix };
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The network address of `address/prefix` (host bits cleared). */
export function networkOf(address: number, prefix: number): number {
  return Math.floor(address / blockSize(prefix)) * blockSize(prefix);
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function formatIpv4Block(block: Ipv4Block): string {
  return `${formatIpv4(block.base)}/${block.prefix}`;
}

/** A canonical block (host bits zero), or undefined. */
export function ipv4Block(text: string): Ipv4Block | undefined {
  const parsed = parseIpv4Cidr(text);
  if (!parsed || networkOf(parsed.address, parsed.prefix) !== parsed.address) return undefined;
  return { base: parsed.address, prefix: parsed.prefix };
}

/** Whether `outer` (IPv4 CIDR, host bits allowed) contains every address of `inner`; false when either is malformed. */
export function cidrCovers(outer: string, inner: string): boolean {
  const a = parseIpv4Cidr(outer);
  const b = parseIpv4Cidr(inner);
  if (!a || !b || a.prefix > b.prefix) return false;
  return networkOf(a.address, a.prefix) === networkOf(b.address, a.prefix);
}

export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix);
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/** The private address ranges of RFC 1918: the only ones lambda-egress builds a VPC in. */
const RFC1918: readonly Ipv4Block[] = [
  { base: 10 * 2 ** 24, prefix: 8 },
  { base: 172 * 2 ** 24 + 16 * 2 ** 16, prefix: 12 },
  { base: 192 * 2 ** 24 + 168 * 2 ** 16, prefix: 16 },
];

export function isRfc1918(block: Ipv4Block): boolean {
  return RFC1918.some((range) => contains(range, block));
}

/** The `index`-th block of length `prefix` inside `outer`. */
export function subBlock(outer: Ipv4Block, prefix: number, index: number): Ipv4Block {
  return { base: outer.base + index * blockSize(prefix), prefix };
}

/**
 * The `index`-th /64 of an IPv6 /56 (`2600:1f18:abcd:1200::/56`, index 5 -> `2600:1f18:abcd:1205::/64`).
 * A /56 holds 256 /64s; the index sets the low byte of the fourth group.
 */
export function ipv6Subnet64(vpcBlock: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 255) throw new Error(`IPv6 subnet index ${index} is outside 0-255`);
  const groups = expandIpv6(vpcBlock);
  const fourth = groups[3] ?? 0;
  groups[3] = (fourth & 0xff00) | index;
  return `${compressIpv6(groups.slice(0, 4))}::/64`;
}

/** The /64 index of a subnet's IPv6 block inside its VPC's /56 (the low byte of the fourth group). */
export function ipv6SubnetIndex(subnetBlock: string): number {
  return (expandIpv6(subnetBlock)[3] ?? 0) & 0xff;
}

function expandIpv6(block: string): number[] {
  const address = block.split('/')[0] ?? '';
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = address.includes('::') ? [...headGroups, ...zeros, ...tailGroups] : headGroups;
  if (groups.length !== 8) throw new Error(`not an IPv6 block: ${block}`);
  return groups.map((group) => parseInt(group, 16));
}

function compressIpv6(firstFour: number[]): string {
  const groups = firstFour.map((group) => group.toString(16));
  while (groups.length > 0 && groups[groups.length - 1] === '0') groups.pop();
  return groups.join(':');
}
