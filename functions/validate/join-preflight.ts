import { isJoinOf } from '../shared/registry/join-rule';
import type { NetworkRecord } from '../shared/registry/records';
import type { NormalizedNetwork } from '../shared/types';

/**
 * Whether ValidateRequest may skip the preflight of what a build creates (quotas, Block Public Access for new NAT
 * gateways, Elastic IPs: docs/preflight.md): the request joins a ready network with its recorded settings (the
 * same rule as AcquireNetworkLock's, join-rule.ts), and a join creates nothing of the network (docs/joins.md,
 * "Repair is exclusive"). A request that brings Elastic IPs of its own is checked as before. Should the claim not
 * be granted after all (the record changed in between), the provision takes the exclusive lock and its network
 * tasks meet AWS's own refusals, as a build's would after a preflight that passed.
 */
export function joinCreatesNothing(record: NetworkRecord | undefined, network: NormalizedNetwork): boolean {
  return isJoinOf(record, network) && (network.eipAllocationIds?.length ?? 0) === 0;
}
