import type { AwsClients } from '../shared/clients';
import { TeardownBlocked } from '../shared/errors';
import type { LedgerEntry } from '../shared/types';
import { teardownBlockers, type TeardownBlocker } from './teardown-blockers';
import type { PendingStep } from '../undo/types';

/**
 * Refuses a teardown, before anything is deleted, while something will never let the network's subnets or
 * security group go (teardown-blockers.ts): without this it would wait its full 45 minutes and then fail with
 * the resources half deleted. TeardownBlocked names each blocker and the command that frees it.
 */
export async function refuseWhatNeverClears(clients: Pick<AwsClients, 'ec2' | 'lambda'>, network: string, ledger: readonly LedgerEntry[]): Promise<void> {
  const blockers = await teardownBlockers(clients, ledger);
  if (blockers.length === 0) return;
  throw new TeardownBlocked(
    `network "${network}" cannot be torn down: ${blockers.length} thing(s) keep its subnets or security group in use and will never let go on their own. ${listed(blockers)}. Then run the teardown again. Nothing was deleted.`,
    { network, blockers },
  );
}

/**
 * During a teardown pass: AWS answered DependencyViolation for a subnet, security group or VPC. When its cause
 * can be named (one appeared since ValidateTeardown looked), it is, and the teardown ends: waiting would not
 * clear it. Otherwise (Lambda's ENIs still going) the pass waits as before.
 */
export async function refuseNamedDependencyViolations(clients: Pick<AwsClients, 'ec2' | 'lambda'>, network: string, ledger: readonly LedgerEntry[], pending: readonly PendingStep[]): Promise<void> {
  // Its own answer, not a step that waits behind it ("waits for security-group ...: DependencyViolation").
  const refused = pending.filter((step) => step.reason.startsWith('DependencyViolation'));
  if (refused.length === 0) return;
  const blockers = await teardownBlockers(clients, ledger);
  if (blockers.length === 0) return;
  throw new TeardownBlocked(
    `teardown of network "${network}": AWS refuses to delete ${refused.map((step) => `${step.kind} ${step.id}`).join(', ')} (DependencyViolation), held by ${blockers.length} thing(s) that will never let go on their own. ${listed(blockers)}. The network stays 'deleting' with what is left in its ledger: run the teardown again after.`,
    { network, blockers, refused },
  );
}

function listed(blockers: readonly TeardownBlocker[]): string {
  return blockers.map((blocker, index) => `${index + 1}) ${blocker.what}: ${blocker.why}; free it: ${blocker.fix}`).join(' ');
}
