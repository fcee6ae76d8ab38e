import type { Tag } from '@aws-sdk/client-ec2';
import { hasTags, tagValue } from './tags';
import type { LedgerEntry } from './types';

/**
 * network.keepEgressIps: the Elastic IPs lambda-egress allocated for a network outlive its teardown, so that a
 * partner's allow-list keeps working when a network of the same name is built again (docs/egress-ips.md).
 * A kept address carries these tags besides the ones it was created with:
 *   - TAG_KEPT_FOR: the network's name (how a rebuild and `networks` find it);
 *   - TAG_KEPT_AZ: the AZ whose NAT it served (a rebuild gives it to the NAT of the same AZ);
 *   - TAG_KEPT_SET: every AZ kept in that teardown, space-separated (a rebuild sees when one of them is gone).
 */
export const TAG_KEPT_FOR = 'lambda-egress:kept-for';
export const TAG_KEPT_AZ = 'lambda-egress:kept-az';
export const TAG_KEPT_SET = 'lambda-egress:kept-set';

/**
 * The detail key of an elastic-ip ledger entry the undo engine keeps instead of releasing: its value is the
 * network's name. Set by TeardownNetwork (keepEgressIps) and by EnsureNatGateway on an address a rebuild took
 * again (a rollback of that rebuild did not allocate it: it stays kept).
 */
export const KEPT_FOR = 'keptFor';
const KEPT_AZ = 'keptAz';
const KEPT_SET = 'keptSet';

/** The network an entry's address is kept for, when the undo engine must keep it. */
export function keptFor(entry: Pick<LedgerEntry, 'kind' | 'detail'>): string | undefined {
  return entry.kind === 'elastic-ip' ? entry.detail?.[KEPT_FOR] : undefined;
}

/** The tags that mark an entry's address as kept (the undo engine's CreateTags). */
export function keptTags(entry: Pick<LedgerEntry, 'az' | 'detail'>): Tag[] {
  const detail = entry.detail ?? {};
  return [
    { Key: TAG_KEPT_FOR, Value: detail[KEPT_FOR] ?? '' },
    { Key: TAG_KEPT_AZ, Value: detail[KEPT_AZ] ?? entry.az ?? '' },
    ...(detail[KEPT_SET] ? [{ Key: TAG_KEPT_SET, Value: detail[KEPT_SET] }] : []),
  ];
}

/** Whether an address already carries every tag `keptTags` would set (a second pass, or a rebuild's rollback). */
export function isKeptAs(tags: readonly Tag[] | undefined, wanted: readonly Tag[]): boolean {
  return hasTags(tags, Object.fromEntries(wanted.map((tag) => [tag.Key ?? '', tag.Value ?? ''])));
}

/**
 * A teardown's plan with its decision on the network's Elastic IPs: kept (keepEgressIps, and no
 * --release-egress-ips) or released. Only addresses lambda-egress allocated: a borrowed one (the user's own) is
 * never touched either way.
 */
export function withEgressIpDecision(plan: readonly LedgerEntry[], network: string, keep: boolean): LedgerEntry[] {
  const addresses = plan.filter((entry) => entry.kind === 'elastic-ip' && entry.detail?.borrowed !== 'true');
  const set = [...new Set(addresses.map((entry) => entry.az ?? '').filter((az) => az !== ''))].sort().join(' ');
  return plan.map((entry) => {
    if (!addresses.includes(entry)) return entry;
    const { [KEPT_FOR]: _keptFor, [KEPT_AZ]: _keptAz, [KEPT_SET]: _keptSet, ...rest } = entry.detail ?? {};
    const detail = keep ? { ...rest, [KEPT_FOR]: network, ...(entry.az ? { [KEPT_AZ]: entry.az } : {}), ...(set ? { [KEPT_SET]: set } : {}) } : rest;
    return { ...entry, detail };
  });
}

/** What `networks` and a rebuild read of a kept address. */
export interface KeptAddress {
  readonly network: string;
  readonly allocationId: string;
  readonly publicIp: string;
  readonly az: string;
  /** Every AZ kept with it in that teardown. */
  readonly set: string[];
  /** Its association, when something uses it (a rebuilt network's NAT, or anything else). */
  readonly associatedWith?: string;
}

export function keptAddressOf(address: { AllocationId?: string; PublicIp?: string; Tags?: Tag[]; NetworkInterfaceId?: string; InstanceId?: string; AssociationId?: string }): KeptAddress | undefined {
  const network = tagValue(address.Tags, TAG_KEPT_FOR);
  if (!network || !address.AllocationId) return undefined;
  const associatedWith = address.NetworkInterfaceId || address.InstanceId || address.AssociationId;
  return {
    network,
    allocationId: address.AllocationId,
    publicIp: address.PublicIp ?? '',
    az: tagValue(address.Tags, TAG_KEPT_AZ) ?? '',
    set: (tagValue(address.Tags, TAG_KEPT_SET) ?? '').split(' ').filter((az) => az !== ''),
    ...(associatedWith ? { associatedWith } : {}),
  };
}
