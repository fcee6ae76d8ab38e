import { mutatingCalls } from '../local/test-support/emulator-control';
import type { CallRecord } from '../local/test-support/fault-rules';

/** How a call counts: it changes something, it only reads, or it runs a function (the probe's Invoke). */
type CallKind = 'mutating' | 'read' | 'invoke';

export function kindOf(action: string): CallKind {
  if (action === 'Invoke') return 'invoke';
  return mutatingCalls([{ service: '', action, status: 0 }]).length > 0 ? 'mutating' : 'read';
}

/** `service:Action`, the key the latency profile and the tables use. */
export function actionKey(call: Pick<CallRecord, 'service' | 'action'>): string {
  return `${call.service}:${call.action}`;
}

export interface CallSummary {
  readonly total: number;
  readonly mutating: number;
  readonly read: number;
  readonly invoke: number;
  /** Calls per `service:Action`, by kind, most frequent first. */
  readonly byAction: { readonly mutating: Record<string, number>; readonly read: Record<string, number>; readonly invoke: Record<string, number> };
  /** Calls the emulator answered with an error status (4xx/5xx): not-found answers of find-before-create, mostly. */
  readonly errorAnswers: number;
}

export function summarizeCalls(calls: readonly CallRecord[]): CallSummary {
  const byAction = { mutating: new Map<string, number>(), read: new Map<string, number>(), invoke: new Map<string, number>() };
  for (const call of calls) {
    const counts = byAction[kindOf(call.action)];
    counts.set(actionKey(call), (counts.get(actionKey(call)) ?? 0) + 1);
  }
  const sorted = (counts: Map<string, number>) => Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  const sum = (counts: Map<string, number>) => [...counts.values()].reduce((total, count) => total + count, 0);
  return {
    total: calls.length,
    mutating: sum(byAction.mutating),
    read: sum(byAction.read),
    invoke: sum(byAction.invoke),
    byAction: { mutating: sorted(byAction.mutating), read: sorted(byAction.read), invoke: sorted(byAction.invoke) },
    errorAnswers: calls.filter((call) => call.status >= 400).length,
  };
}

/** Occurrences of one action (`CreateVpc` or `ec2:CreateVpc`) in a call log. */
export function countAction(calls: readonly CallRecord[], action: string): number {
  return calls.filter((call) => call.action === action || actionKey(call) === action).length;
}
