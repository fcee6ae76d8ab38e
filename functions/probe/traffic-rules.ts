import type { NetworkAcl, NetworkAclEntry, SecurityGroup } from '@aws-sdk/client-ec2';
import { cidrCovers } from '../network/cidr';
import type { BrokenHop } from './types';

/**
 * The rules traffic meets on its way out: security groups (stateful) and network ACLs (stateless). "The
 * internet" is every address: an allow rule counts only when it covers 0.0.0.0/0, and rules for part of the
 * internet are skipped (the target's address is not known statically). Network ACL rules are evaluated in
 * rule-number order, first match wins, port by port over ranges; anything unmatched is denied.
 */

export const INTERNET_V4 = '0.0.0.0/0';

type PortRange = readonly [number, number];

export const EPHEMERAL: PortRange = [1024, 65535];

export function allowsEgress(group: SecurityGroup, port: number): boolean {
  return (group.IpPermissionsEgress ?? []).some((permission) => {
    const protocol = permission.IpProtocol ?? '';
    const allProtocols = protocol === '-1';
    if (!allProtocols && protocol !== 'tcp' && protocol !== '6') return false;
    const from = allProtocols ? 0 : (permission.FromPort ?? 0);
    const to = allProtocols ? 65535 : (permission.ToPort ?? 65535);
    const portCovered = (from === -1 && to === -1) || (from <= port && port <= to);
    return portCovered && (permission.IpRanges ?? []).some((range) => range.CidrIp !== undefined && cidrCovers(range.CidrIp, INTERNET_V4));
  });
}

interface AclLeg {
  readonly egress: boolean;
  /** The far end of this leg, as a CIDR: a rule applies only if its CIDR covers all of it. */
  readonly remote: string;
  readonly ports: PortRange;
  readonly what: string;
}

export function checkAclLegs(acl: NetworkAcl, subnetId: string, port: number, legs: readonly AclLeg[]): Omit<BrokenHop, 'hop' | 'subnetId' | 'resourceId'> | undefined {
  for (const leg of legs) {
    const denied = deniedPorts(acl.Entries ?? [], leg);
    if (!denied) continue;
    const rule = denied.ruleNumber === undefined || denied.ruleNumber >= 32767 ? 'the final * rule: nothing allows it' : `rule ${denied.ruleNumber} denies it`;
    const range = denied.ports[0] === denied.ports[1] ? `port ${denied.ports[0]}` : `ports ${denied.ports[0]}-${denied.ports[1]}`;
    const direction = leg.egress ? 'outbound' : 'inbound';
    const below = denied.ruleNumber !== undefined && denied.ruleNumber < 32767 ? ` with a rule number below ${denied.ruleNumber}` : '';
    return {
      explanation: `network ACL ${acl.NetworkAclId} of ${subnetId} blocks ${leg.what} (${range}; ${rule})`,
      fix: `add an ${direction} allow rule to ${acl.NetworkAclId}${below}: TCP ${leg.ports[0] === leg.ports[1] ? port : `${leg.ports[0]}-${leg.ports[1]}`} ${leg.egress ? 'to' : 'from'} ${leg.remote} (network ACLs are stateless: each direction needs its own rule)`,
    };
  }
  return undefined;
}

/**
 * The first denied part of the leg's port range, evaluating the ACL's rules of that direction in rule-number
 * order (first match wins, per port), or undefined when every port is allowed. Ports no rule matches are
 * denied by the implicit final rule (ruleNumber undefined).
 */
export function deniedPorts(entries: readonly NetworkAclEntry[], leg: Pick<AclLeg, 'egress' | 'remote' | 'ports'>): { ruleNumber?: number; ports: PortRange } | undefined {
  const rules = entries
    .filter((entry) => entry.Egress === leg.egress && entry.CidrBlock !== undefined && cidrCovers(entry.CidrBlock, leg.remote))
    .filter((entry) => ['-1', '6', 'tcp'].includes(String(entry.Protocol ?? '').toLowerCase()))
    .sort((a, b) => (a.RuleNumber ?? 0) - (b.RuleNumber ?? 0));
  let open: PortRange[] = [leg.ports];
  for (const rule of rules) {
    const all = String(rule.Protocol) === '-1' || !rule.PortRange;
    const ruleRange: PortRange = all ? [0, 65535] : [rule.PortRange?.From ?? 0, rule.PortRange?.To ?? 65535];
    const next: PortRange[] = [];
    for (const range of open) {
      const lo = Math.max(range[0], ruleRange[0]);
      const hi = Math.min(range[1], ruleRange[1]);
      if (lo > hi) {
        next.push(range);
        continue;
      }
      if (rule.RuleAction === 'deny') return { ...(rule.RuleNumber !== undefined ? { ruleNumber: rule.RuleNumber } : {}), ports: [lo, hi] };
      if (range[0] < lo) next.push([range[0], lo - 1]);
      if (hi < range[1]) next.push([hi + 1, range[1]]);
    }
    open = next;
    if (open.length === 0) return undefined;
  }
  const [first] = open;
  return first ? { ports: first } : undefined;
}
