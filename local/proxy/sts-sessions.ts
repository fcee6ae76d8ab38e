import type { Accounts } from './accounts';
import { queryOf, type ProxyBehaviour } from './pipeline';

/** Gives the credentials an AssumeRole issued the caller's account (accounts.ts), remembering the role assumed. */
export function stsSessions(accounts: Accounts): ProxyBehaviour {
  return {
    async handle(call, next) {
      const answer = await next(call);
      if (call.state && call.identity.service === 'sts' && call.identity.action === 'AssumeRole' && answer.status === 200) {
        const issued = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(answer.body.toString('utf8'))?.[1];
        if (issued) accounts.addSession(issued, call.state, queryOf(call).get('RoleArn') ?? 'unknown');
      }
      return answer;
    },
  };
}
