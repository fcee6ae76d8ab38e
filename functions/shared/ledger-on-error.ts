import { DETAILS_PREFIX, parseErrorMessage } from './errors';
import type { LedgerEntry } from './types';

/**
 * A task that fails after creating something returns no slice, so its ledger entries would be lost with it and
 * Rollback would have to find those resources by tag, which a Describe can miss for a while (EC2 is eventually
 * consistent: https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). Lambda passes only
 * errorType and errorMessage to Step Functions (the Catch's `Cause`), so the entries travel in the message's
 * details line, as LambdaEgressError's details do; the error's name, which Retry and Catch match, is unchanged.
 * `ledger` is read when the error is thrown: entries pushed by `work` before it failed are kept.
 */
export async function keepingLedgerOnError<T>(ledger: readonly LedgerEntry[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw withLedger(error, ledger);
  }
}

function withLedger(error: unknown, ledger: readonly LedgerEntry[]): unknown {
  if (ledger.length === 0 || !(error instanceof Error)) return error;
  const { summary, details } = parseErrorMessage(error.message);
  const kept = [...(Array.isArray(details.ledger) ? (details.ledger as LedgerEntry[]) : []), ...ledger];
  error.message = `${summary}\n${DETAILS_PREFIX}${JSON.stringify({ ...details, ledger: kept })}`;
  return error;
}

/** The ledger entries a Catch's `Cause` (Lambda's `{"errorType","errorMessage"}`) carries, or none. */
export function ledgerOfCause(cause: string): unknown[] {
  let errorMessage: unknown;
  try {
    errorMessage = (JSON.parse(cause) as { errorMessage?: unknown }).errorMessage;
  } catch {
    return [];
  }
  if (typeof errorMessage !== 'string') return [];
  const { ledger } = parseErrorMessage(errorMessage).details;
  return Array.isArray(ledger) ? ledger : [];
}
