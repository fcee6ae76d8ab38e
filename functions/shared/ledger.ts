import { ledgerOfCause } from './ledger-on-error';
import { PROVISION_LEDGER_PATHS } from './state/ledger-paths';
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
 * Every ledger entry of a provision state, in creation order, each id once: the `ledger` of each slice at a
 * declared path (state/ledger-paths.ts; a `ledger` anywhere else is not read), and the entries a caught error's
 * `Cause` holds, wherever the state keeps one: a task that failed after creating something (ledger-on-error.ts).
 * The state is walked in its own order, so entries created in the same millisecond keep the order they had.
 */
export function collectLedger(state: unknown, paths: readonly string[] = PROVISION_LEDGER_PATHS): LedgerEntry[] {
  const declared = new Set(paths);
  const found: unknown[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item, `${path}[*]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const slice = declared.has(path);
    for (const [key, child] of Object.entries(value)) {
      if (slice && key === 'ledger' && Array.isArray(child)) found.push(...child);
      else if (key === 'Cause' && typeof child === 'string') found.push(...ledgerOfCause(child));
      else visit(child, `${path}.${key}`);
    }
  };
  visit(state, '$');
  return inCreationOrder(found.filter(isLedgerEntry));
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
