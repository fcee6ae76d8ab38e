/**
 * A change of a network's egress IPs, announced in the provision result: a partner who allow-lists the old set
 * must learn the new one (an AZ added, a mode changed, a NAT replaced after a failure). `before` is what the
 * registry recorded at the network's previous provision (RecordMembership), `after` what this one leaves from.
 */
export interface EgressChange {
  readonly before: string[];
  readonly after: string[];
  readonly added: string[];
  readonly removed: string[];
  /** In words, for the text output and logs. */
  readonly message: string;
}

/** undefined when nothing is known of before, or the set is the same (order aside). */
export function egressChangeOf(before: readonly string[] | undefined, after: readonly string[]): EgressChange | undefined {
  if (!before) return undefined;
  const added = after.filter((ip) => !before.includes(ip));
  const removed = before.filter((ip) => !after.includes(ip));
  if (added.length === 0 && removed.length === 0) return undefined;
  const list = (ips: readonly string[]) => (ips.length > 0 ? ips.join(', ') : 'none');
  return {
    before: [...before],
    after: [...after],
    added,
    removed,
    message: `the network's egress IPs changed: ${list(before)} -> ${list(after)}${removed.length > 0 ? ` (no longer: ${list(removed)})` : ''}${added.length > 0 ? ` (new: ${list(added)})` : ''}; update the partners' allow-lists`,
  };
}
