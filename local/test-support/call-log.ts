import type { AccountState } from '../proxy/accounts';
import type { ProxyBehaviour } from '../proxy/pipeline';
import type { CallRecord, Fault } from './fault-rules';

interface AccountLog {
  calls: CallRecord[];
  /** Record each call's request and answer too (off by default: bodies can be large). */
  details: boolean;
  /** Set by the test around each task it runs: every call recorded meanwhile carries it. */
  label: string | undefined;
}

/** The call log (emulator.calls): every call of an account, with who answered it when moto did not. */
export function callLog(): ProxyBehaviour {
  const byAccount = new WeakMap<AccountState, AccountLog>();
  const logOf = (state: AccountState): AccountLog => {
    let log = byAccount.get(state);
    if (!log) {
      log = { calls: [], details: false, label: undefined };
      byAccount.set(state, log);
    }
    return log;
  };
  return {
    async handle(call, next) {
      const answer = await next(call);
      if (!call.state) return answer;
      const log = logOf(call.state);
      log.calls.push({
        service: call.identity.service,
        action: call.identity.action,
        status: answer.status,
        ...(answer.injected ? { injected: answer.injected as NonNullable<Fault['type'] | 'realism'> } : {}),
        ...(answer.realism ? { realism: answer.realism } : {}),
        ...(call.assumedRole ? { assumedRole: call.assumedRole } : {}),
        ...(log.details
          ? { ...(log.label ? { label: log.label } : {}), details: { method: call.method, path: call.url, requestBody: call.body.toString('utf8'), responseBody: answer.body.toString() } }
          : {}),
      });
      return answer;
    },
    control: {
      'GET /calls': (state) => [200, logOf(state).calls],
      'DELETE /calls': (state) => {
        logOf(state).calls = [];
        return [200, {}];
      },
      'POST /details': (state, body) => {
        const log = logOf(state);
        log.details = (JSON.parse(body) as { record?: boolean }).record === true;
        return [200, { details: log.details }];
      },
      'PUT /label': (state, body) => {
        logOf(state).label = (JSON.parse(body) as { label?: string }).label;
        return [200, {}];
      },
    },
    reset: (state) => byAccount.delete(state),
  };
}
