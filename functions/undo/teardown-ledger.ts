import type { NetworkRecord } from '../shared/registry/records';
import type { LedgerEntry, ResourceKind } from '../shared/types';
import { undoPlan } from './undo-engine';

/**
 * Passes of TeardownNetwork, 30 s apart (the ASL's Wait), for up to 45 minutes: Lambda's Hyperplane ENIs take up
 * to ~20 minutes to go after the last function left (aws-support-tools PR #174), NAT gateways about a minute.
 */
export const TEARDOWN_MAX_ATTEMPTS = 90;

/** Kinds that belong to a function, not to the network: release restores those, teardown never touches them. */
const FUNCTION_KINDS: ReadonlySet<ResourceKind> = new Set(['function-vpc-config', 'iam-policy-attachment']);

/** What a teardown deletes, in the order it deletes it: the network's ledger (every execution's), undone in reverse. */
export function teardownLedger(record: NetworkRecord): LedgerEntry[] {
  return undoPlan(record.ledger.filter((entry) => !FUNCTION_KINDS.has(entry.kind)));
}
