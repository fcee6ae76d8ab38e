/**
 * Account isolation: each access key id is its own moto account (x-moto-account-id), so test files and local runs
 * in parallel never see each other. Credentials an STS AssumeRole through the proxy issued belong to the caller's
 * state (its account, and whatever the behaviours keep for it), as an assumed role of one's own account does on AWS.
 */
export interface AccountState {
  account: string;
}

export class Accounts {
  private readonly byKey = new Map<string, AccountState>();
  /** Access key id of an STS session -> the role it assumed. */
  private readonly sessions = new Map<string, string>();
  private nextAccount: number;

  /** `firstAccount`: the first moto account id handed out; two proxies in front of one moto need distinct ranges. */
  constructor(firstAccount = 100000000000) {
    this.nextAccount = firstAccount;
  }

  stateOf(accessKeyId: string): AccountState {
    let state = this.byKey.get(accessKeyId);
    if (!state) {
      state = { account: this.newAccount() };
      this.byKey.set(accessKeyId, state);
    }
    return state;
  }

  /** The same state moves to a brand-new, empty account. */
  renew(state: AccountState): void {
    state.account = this.newAccount();
  }

  /** Credentials issued by AssumeRole to a caller: the caller's state, recorded as the assumed role. */
  addSession(issuedKey: string, caller: AccountState, roleArn: string): void {
    this.byKey.set(issuedKey, caller);
    this.sessions.set(issuedKey, roleArn);
  }

  roleOf(accessKeyId: string | undefined): string | undefined {
    return accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
  }

  private newAccount(): string {
    return String(this.nextAccount++);
  }
}
