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
  const unique = new Map<string, LedgerEntry>();
  for (const entry of found) unique.set(`${entry.kind}:${entry.id}`, unique.get(`${entry.kind}:${entry.id}`) ?? entry);
  return [...unique.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function isLedgerEntry(value: unknown): value is LedgerEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LedgerEntry).kind === 'string' &&
    typeof (value as LedgerEntry).id === 'string'
  );
}
