import { shapeError } from './aws-protocol';
import { RealismProfile, type RealismCall, type RealismSettings } from './realism-profile';
import type { AccountState } from './accounts';
import { queryOf, type ProxyBehaviour, type ProxyCall } from './pipeline';

/**
 * The realism profile (realism-profile.ts) as a proxy behaviour: while on for an account, its calls are answered
 * as AWS behaves. Here, not in test support, because the CLI's `--local --aws-realism` switches it on
 * (realism-switch.ts). `initial`: every account starts with it on.
 */
export function realism(initial?: RealismSettings): ProxyBehaviour {
  const profiles = new WeakMap<AccountState, RealismProfile | undefined>();
  const profileOf = (state: AccountState | undefined): RealismProfile | undefined => {
    if (!state) return undefined;
    if (!profiles.has(state)) profiles.set(state, initial ? new RealismProfile(initial) : undefined);
    return profiles.get(state);
  };
  return {
    async handle(call, next) {
      const profile = profileOf(call.state);
      if (!profile) return next(call);
      const realismCall = realismCallOf(call);
      const realistic = call.faulted ? undefined : profile.before(realismCall);
      if (realistic) {
        const shaped = shapeError(call.identity.service, realistic.code, realistic.status, realistic.message);
        return { status: shaped.status, headers: shaped.headers, body: Buffer.from(shaped.body, 'utf8'), injected: 'realism', realism: realistic.behaviour };
      }
      const replayed = profile.replayed(realismCall);
      if (replayed !== undefined) {
        return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: Buffer.from(replayed, 'utf8'), injected: 'realism', realism: 'idempotent-replay' };
      }
      const answer = await next(call);
      const body = Buffer.from(profile.after(realismCall, answer.status, answer.body.toString('utf8')), 'utf8');
      const rewrittenBy = profile.lastRewrite;
      profile.lastRewrite = undefined;
      return { ...answer, body, ...(rewrittenBy ? { injected: 'realism', realism: rewrittenBy } : {}) };
    },
    control: {
      'PUT /realism': (state, body) => {
        const settings = JSON.parse(body) as Partial<RealismSettings>;
        const profile = new RealismProfile({ seed: Number(settings.seed ?? 1) });
        profiles.set(state, profile);
        return [200, { realism: profile.settings }];
      },
      'DELETE /realism': (state) => {
        profiles.set(state, undefined);
        return [200, {}];
      },
    },
    // A fresh account starts plain, whatever `initial` says (as before the split).
    reset: (state) => profiles.set(state, undefined),
  };
}

function realismCallOf(call: ProxyCall): RealismCall {
  const path = new URL(call.url, 'http://proxy').pathname;
  const text = call.body.toString('utf8');
  let json: unknown;
  if (text.startsWith('{')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { service: call.identity.service, action: call.identity.action, path, query: json === undefined ? queryOf(call) : new URLSearchParams(), json };
}
