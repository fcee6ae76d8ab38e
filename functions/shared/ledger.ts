import { ledgerOfCause } from './ledger-on-error';
import type { LedgerEntry, ResourceKind } from './types';

export function ledgerEntry(
  kind: ResourceKind,
  id: string,
  extra: { az?: string; detail?: Record<string, string> } = {},
): LedgerEntry {
  return { kind, id, ...extra, createdAt: new Date().toISOString() };
}

/**
 * The detail flag of an entry lambda-egress uses but must never delete: a user's Elastic IP the request brought
 * (network.eipAllocationIds). The undo engine's dispatch leaves such an entry as it is.
 */
export const BORROWED = 'borrowed';

export function isBorrowed(entry: Pick<LedgerEntry, 'detail'>): boolean {
  return entry.detail?.[BORROWED] === 'true';
}

/**
 * Every ledger entry anywhere in a state, in creation order, each id once. Slices live at different
 * ResultPaths (and inside Map/Parallel results), so rollback walks the whole state rather than one list; a
 * caught error's `Cause` holds the entries of a task that failed after creating something (ledger-on-error.ts).
 */
export function collectLedger(state: unknown): LedgerEntry[] {
  const found: LedgerEntry[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'ledger' && Array.isArray(child)) found.push(...child.filter(isLedgerEntry));
      else if (key === 'Cause' && typeof child === 'string') found.push(...ledgerOfCause(child).filter(isLedgerEntry));
      else visit(child);
    }
  };
  visit(state);
  return inCreationOrder(found);
}

/** Each resource once (`kind:id`; the first entry of it wins), in the order given. */
export function eachResourceOnce(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const unique = new Map<string, LedgerEntry>();
  for (const entry of entries) if (!unique.has(`${entry.kind}:${entry.id}`)) unique.set(`${entry.kind}:${entry.id}`, entry);
  return [...unique.values()];
}

/** Each resource once, oldest first: how a state's and a network's ledgers are kept. */
export function inCreationOrder(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return eachResourceOnce(entries).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Kinds that belong to the function, not to the network: release and Rollback undo them, the network's ledger never holds them. */
export const FUNCTION_KINDS: ReadonlySet<ResourceKind> = new Set(['function-vpc-config', 'iam-policy-attachment']);

/** The entries of a ledger that belong to the network (FUNCTION_KINDS left out). */
export function networkEntries(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries.filter((entry) => !FUNCTION_KINDS.has(entry.kind));
}

function isLedgerEntry(value: unknown): value is LedgerEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LedgerEntry).kind === 'string' &&
    typeof (value as LedgerEntry).id === 'string'
  );
}
