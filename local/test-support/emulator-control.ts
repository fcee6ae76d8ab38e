import { CONTROL_PREFIX } from '../proxy/pipeline';
import type { CallRecord, FaultRule } from './fault-rules';

/**
 * The control side of the proxied emulator (proxied-emulator.ts): the current account, fault rules and call
 * log, all scoped to this process's access key (per test file, the one per-file-env.ts chose). For the tests
 * and the benchmarks; the product (functions/, the CLI) never imports this.
 */
function controlUrl(path: string): string {
  const endpoint = process.env.LAMBDA_EGRESS_TEST_ENDPOINT;
  const key = process.env.AWS_ACCESS_KEY_ID;
  if (!endpoint || !key) throw new Error('the emulator is not set up: run the tests through jest (npm test), or start it with startProxiedEmulator');
  return `${endpoint}${CONTROL_PREFIX}${path}?accessKeyId=${encodeURIComponent(key)}`;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(controlUrl(path), { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`fault proxy ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const emulator = {
  /** Moves this file to a brand-new empty account (and clears its rules and call log): isolation per test. */
  async freshAccount(): Promise<string> {
    return (await call<{ account: string }>('POST', '/account')).account;
  },
  async account(): Promise<string> {
    return (await call<{ account: string }>('GET', '/account')).account;
  },
  async inject(rule: FaultRule): Promise<void> {
    await call('POST', '/rules', rule);
  },
  async clearFaults(): Promise<void> {
    await call('DELETE', '/rules');
  },
  /**
   * From now on (until `plain()` or the next freshAccount) the account's calls are answered as AWS behaves
   * (local/realism-profile.ts, docs/aws-behaviour.md): seeded, count-based. Switch it on after a test's own setup.
   */
  async realism(seed = 1): Promise<void> {
    await call('PUT', '/realism', { seed });
  },
  /** Back to moto's answers (a test's own checks after the run). */
  async plain(): Promise<void> {
    await call('DELETE', '/realism');
  },
  async calls(): Promise<CallRecord[]> {
    return call<CallRecord[]>('GET', '/calls');
  },
  /** From now on (until the next freshAccount), each call's request and answer are recorded with it. */
  async recordDetails(): Promise<void> {
    await call('POST', '/details', { record: true });
  },
  /** Labels every call from now on (undefined: none), e.g. with the task that makes it. */
  async label(label: string | undefined): Promise<void> {
    await call('PUT', '/label', label === undefined ? {} : { label });
  },
  async clearCalls(): Promise<void> {
    await call('DELETE', '/calls');
  },
  /** moto's own endpoint, for its /moto-api (e.g. queueing Lambda Invoke answers). */
  motoEndpoint(): string {
    const endpoint = process.env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT;
    if (!endpoint) throw new Error('the emulator is not set up: run the tests through jest (npm test)');
    return endpoint;
  },
};

/** Names of the mutating calls in a call log: Create*, Attach*, Allocate*, Associate*, Put*, Update*, TransactWrite* (DynamoDB), ... */
export function mutatingCalls(calls: readonly CallRecord[]): string[] {
  return calls
    .map((record) => record.action)
    .filter((action) => /^(Create|Attach|Allocate|Associate|Put|Update|Modify|Delete|Detach|Release|Disassociate|Replace|Tag|Untag|Add|Remove|Authorize|Revoke|TransactWrite)/.test(action));
}
