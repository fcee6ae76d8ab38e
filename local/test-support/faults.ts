import { shapeError } from '../proxy/aws-protocol';
import type { AccountState } from '../proxy/accounts';
import type { ProxyBehaviour } from '../proxy/pipeline';
import type { FaultRule } from './fault-rules';

interface AccountFaults {
  rules: FaultRule[];
  /** Calls seen per `service:action`, matched against a rule's `nth` and `times`. */
  readonly counters: Map<string, number>;
}

/**
 * Fault injection (emulator.inject): a rule fails, delays or rewrites the Nth call of one action of one account.
 * A call a rule took in hand is marked `faulted`: the realism profile then answers it as moto would.
 */
export function faultInjection(): ProxyBehaviour {
  const byAccount = new WeakMap<AccountState, AccountFaults>();
  const faultsOf = (state: AccountState): AccountFaults => {
    let faults = byAccount.get(state);
    if (!faults) {
      faults = { rules: [], counters: new Map() };
      byAccount.set(state, faults);
    }
    return faults;
  };
  return {
    async handle(call, next) {
      const fault = call.state ? matchRule(faultsOf(call.state), call.identity.service, call.identity.action)?.fault : undefined;
      if (!fault) return next(call);
      if (fault.type === 'error') {
        const shaped = shapeError(call.identity.service, fault.code, fault.status, fault.message ?? `Injected ${fault.code}`);
        return { status: shaped.status, headers: shaped.headers, body: Buffer.from(shaped.body, 'utf8'), injected: 'error' };
      }
      if (fault.type === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      const { status, headers, body } = await next({ ...call, faulted: true });
      if (fault.type === 'delay') return { status, headers, body, injected: 'delay' };
      let text = body.toString('utf8');
      for (const { pattern, replacement } of fault.replacements) text = text.replace(new RegExp(pattern, 'g'), replacement);
      return { status, headers, body: Buffer.from(text, 'utf8'), injected: 'rewrite' };
    },
    control: {
      'POST /rules': (state, body) => {
        const faults = faultsOf(state);
        faults.rules.push(JSON.parse(body) as FaultRule);
        return [200, { rules: faults.rules.length }];
      },
      'DELETE /rules': (state) => {
        byAccount.delete(state);
        return [200, {}];
      },
    },
    reset: (state) => byAccount.delete(state),
  };
}

function matchRule(faults: AccountFaults, service: string, action: string): FaultRule | undefined {
  const counterKey = `${service}:${action}`;
  const count = (faults.counters.get(counterKey) ?? 0) + 1;
  faults.counters.set(counterKey, count);
  return faults.rules.find((rule) => {
    if (rule.service !== service || rule.action !== action) return false;
    const first = rule.nth ?? 1;
    const times = rule.times ?? 1;
    return count >= first && (times < 0 || count < first + times);
  });
}
