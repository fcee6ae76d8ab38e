import { actionKey, kindOf, summarizeCalls, type CallSummary } from './call-log';
import type { IsolatedEmulator } from '../local/test-support/proxied-emulator';
import { createUserFunction, expectStatus, freshAccount, measureProvision, type MeasuredRun } from './provision-run';
import { createModeRequest } from './requests';
import type { TaskInvocation } from './traced-tasks';

/** Section 1: AWS calls per provision, counted by action from the fault proxy's call log. */
export interface ApiEconomy {
  readonly freshIpv4: CallSummary;
  readonly freshIpv6: CallSummary;
  /** The same request again, in the same account. Target: 0 mutating calls. */
  readonly repeated: CallSummary & { readonly mutatingByTask: Record<string, string[]> };
  /** A provision whose probe fails: the whole execution, and the Rollback task's own calls. */
  readonly rollback: { readonly error: string | undefined; readonly execution: CallSummary; readonly rollbackTask: CallSummary };
}

/** The runs section 1 measures; the fresh IPv4 one is also the trace of sections 2 and 3. */
interface ApiEconomyRuns {
  readonly economy: ApiEconomy;
  readonly freshIpv4Run: MeasuredRun;
}

export async function measureApiEconomy(environment: IsolatedEmulator): Promise<ApiEconomyRuns> {
  // IPv6 first: it also warms up every handler and SDK code path, so that the IPv4 run (whose handler durations
  // section 2 prices) measures work, not module loading.
  await freshAccount();
  await createUserFunction('orders-api');
  const ipv6 = expectStatus(await measureProvision(environment, createModeRequest('orders-api', { ipv6: true })), 'SUCCEEDED', 'fresh provision (IPv6)');

  await freshAccount();
  await createUserFunction('orders-api');
  const first = expectStatus(await measureProvision(environment, createModeRequest('orders-api')), 'SUCCEEDED', 'fresh provision (IPv4)');
  const again = expectStatus(await measureProvision(environment, createModeRequest('orders-api')), 'SUCCEEDED', 'repeated provision');

  await freshAccount();
  await createUserFunction('orders-api');
  const failed = expectStatus(await measureProvision(environment, createModeRequest('orders-api'), { probe: 'times-out' }), 'FAILED', 'provision with a failing probe');
  const rollbackCalls = failed.invocations.filter((invocation) => invocation.task === 'Rollback').flatMap((invocation) => invocation.calls);

  return {
    freshIpv4Run: first,
    economy: {
      freshIpv4: summarizeCalls(first.calls),
      freshIpv6: summarizeCalls(ipv6.calls),
      repeated: { ...summarizeCalls(again.calls), mutatingByTask: mutatingByTask(again.invocations) },
      rollback: { error: failed.run.error, execution: summarizeCalls(failed.calls), rollbackTask: summarizeCalls(rollbackCalls) },
    },
  };
}

/** `Task -> [service:Action, ...]` of the mutating calls each task made. */
export function mutatingByTask(invocations: readonly TaskInvocation[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const invocation of invocations) {
    const mutating = invocation.calls.filter((call) => kindOf(call.action) === 'mutating').map(actionKey);
    if (mutating.length > 0) (found[invocation.task] ??= []).push(...mutating);
  }
  return found;
}
