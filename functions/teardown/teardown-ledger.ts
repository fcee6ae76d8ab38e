import type { NetworkRecord } from '../shared/registry/records';
import { networkEntries } from '../shared/ledger';
import type { LedgerEntry } from '../shared/types';
import { undoPlan } from '../undo/undo-engine';

/**
 * Passes of TeardownNetwork, 30 s apart (the ASL's Wait): 91 passes are 90 waits, at least 45 minutes before
 * TeardownTimeout. Lambda's Hyperplane ENIs take 20-45 minutes to go after the last function left
 * (aws-support-tools PR #174; Terraform waits 45 min), NAT gateways about a minute.
 * test/statemachine/eni-wait-bound.test.ts computes the minimum from the ASL; docs/enis-and-teardown.md.
 */
export const TEARDOWN_MAX_ATTEMPTS = 91;

/** What a teardown deletes, in the order it deletes it: the network's ledger (every execution's), undone in reverse. */
export function teardownLedger(record: NetworkRecord): LedgerEntry[] {
  return undoPlan(networkEntries(record.ledger));
}
