import { blockSize, contains, ipv4Block, ipv6Subnet64, ipv6SubnetIndex, isRfc1918, overlaps, type Ipv4Block } from '../../functions/network/cidr';
import { findFreeBlock, longestVpcPrefix, MIN_PRIVATE_PREFIX, MIN_PUBLIC_PREFIX, planSubnets } from '../../functions/network/cidr-plan';

const AZS = ['az-1', 'az-2', 'az-3', 'az-4', 'az-5', 'az-6'];
const block = (text: string): Ipv4Block => {
  const parsed = ipv4Block(text);
  if (!parsed) throw new Error(`bad block in test: ${text}`);
  return parsed;
};

describe('the CIDR plan of a new VPC', () => {
  it('gives each AZ one public and one private subnet, private ones 4x bigger, none overlapping, all inside the VPC', () => {
    // GIVEN every AZ count and every VPC size the plan accepts
    for (let azCount = 1; azCount <= AZS.length; azCount += 1) {
      for (let prefix = 16; prefix <= longestVpcPrefix(azCount); prefix += 1) {
        const vpc = block(`10.0.0.0/${prefix}`);
        // WHEN the plan is computed
        const plan = planSubnets(vpc, AZS.slice(0, azCount), false);
        // THEN each AZ has one of each tier, in AZ order, public first
        expect(plan.map((planned) => `${planned.az}:${planned.tier}`)).toEqual(AZS.slice(0, azCount).flatMap((az) => [`${az}:public`, `${az}:private`]));
        const blocks = plan.map((planned) => ({ ...planned, block: block(planned.cidr) }));
        for (const [index, planned] of blocks.entries()) {
          expect(contains(vpc, planned.block)).toBe(true);
          for (const other of blocks.slice(index + 1)) expect(overlaps(planned.block, other.block)).toBe(false);
          expect(planned.block.prefix).toBeLessThanOrEqual(planned.tier === 'private' ? MIN_PRIVATE_PREFIX : MIN_PUBLIC_PREFIX);
          if (planned.tier === 'private') expect(blockSize(planned.block.prefix)).toBe(4 * blockSize(blocks[index - 1]!.block.prefix));
        }
      }
    }
  });

  it('refuses a VPC smaller than the plan needs, and the limit is /24 for 2 AZs, /23 for 3-4, /22 for 5-6', () => {
    expect([1, 2, 3, 4, 5, 6].map(longestVpcPrefix)).toEqual([25, 24, 23, 23, 22, 22]);
    expect(() => planSubnets(block('10.0.0.0/25'), AZS.slice(0, 2), false)).toThrow(/needs \/24 or larger/);
  });

  it('numbers the IPv6 /64s of the subnets 0, 1, 2... in plan order when IPv6 is on', () => {
    const plan = planSubnets(block('10.0.0.0/16'), AZS.slice(0, 2), true);
    expect(plan.map((planned) => planned.ipv6SubnetIndex)).toEqual([0, 1, 2, 3]);
    expect(planSubnets(block('10.0.0.0/16'), AZS.slice(0, 2), false).every((planned) => planned.ipv6SubnetIndex === undefined)).toBe(true);
  });
});

describe('IPv4 and IPv6 blocks', () => {
  it('parses only canonical blocks, and knows RFC 1918', () => {
    expect(ipv4Block('10.0.0.0/16')).toEqual({ base: 10 * 2 ** 24, prefix: 16 });
    expect(ipv4Block('10.0.0.1/16')).toBeUndefined();
    expect(ipv4Block('10.0.0.256/24')).toBeUndefined();
    expect(ipv4Block('10.0.0.0/33')).toBeUndefined();
    expect(ipv4Block('10.0.0/16')).toBeUndefined();
    expect(['10.0.0.0/16', '172.31.0.0/16', '192.168.0.0/16'].map((text) => isRfc1918(block(text)))).toEqual([true, true, true]);
    expect(['172.32.0.0/16', '8.8.0.0/16', '192.169.0.0/16', '10.0.0.0/7'].map((text) => isRfc1918(block(text)))).toEqual([false, false, false, false]);
  });

  it('carves the n-th /64 out of a /56 and reads the index back', () => {
    expect(ipv6Subnet64('2400:6500:a299:9d00::/56', 5)).toBe('2400:6500:a299:9d05::/64');
    expect(ipv6Subnet64('2600:1f18:abcd:1200::/56', 0)).toBe('2600:1f18:abcd:1200::/64');
    expect(ipv6Subnet64('2600:1f18:ab00::/56', 3)).toBe('2600:1f18:ab00:3::/64');
    expect(ipv6Subnet64('2600:1f18:abcd:1200::/56', 255)).toBe('2600:1f18:abcd:12ff::/64');
    expect(ipv6SubnetIndex('2600:1f18:abcd:12ff::/64')).toBe(255);
    expect(() => ipv6Subnet64('2600:1f18:abcd:1200::/56', 256)).toThrow(/outside 0-255/);
  });
});

describe('free space in an existing VPC', () => {
  it('finds the first free block of the largest preferred size, skipping what is taken', () => {
    const vpc = block('10.1.0.0/16');
    expect(findFreeBlock([vpc], [block('10.1.0.0/24'), block('10.1.1.0/24')], [24, 26])).toEqual(block('10.1.2.0/24'));
    // A /23 taken in the middle is skipped as a whole.
    expect(findFreeBlock([block('10.1.0.0/22')], [block('10.1.0.0/24'), block('10.1.2.0/23')], [24])).toEqual(block('10.1.1.0/24'));
  });

  it('falls back to a smaller size, then to another CIDR block of the VPC, then gives up', () => {
    const small = block('10.2.0.0/24');
    const taken = [block('10.2.0.0/25'), block('10.2.0.128/26')];
    expect(findFreeBlock([small], taken, [24, 25, 26])).toEqual(block('10.2.0.192/26'));
    const full = [...taken, block('10.2.0.192/26')];
    expect(findFreeBlock([small], full, [24, 25, 26])).toBeUndefined();
    expect(findFreeBlock([small, block('10.3.0.0/24')], full, [24, 25, 26])).toEqual(block('10.3.0.0/24'));
  });
});
