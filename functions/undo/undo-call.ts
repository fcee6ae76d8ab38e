import { awsErrorName, isNotFound } from '../shared/errors';
import { StillInUse } from './still-in-use';

/** What a service's errors mean to an undo call, beyond "not found" (the resource is already gone: done). */
export interface UndoErrorMeaning {
  /** Other errors that also mean the resource is already gone. */
  readonly alsoGone: (error: unknown) => boolean;
  /** Error names that mean "in use": the step waits and is tried again. */
  readonly inUse: ReadonlySet<string>;
}

export const EC2_UNDO_ERRORS: UndoErrorMeaning = {
  alsoGone: (error) => awsErrorName(error) === 'Gateway.NotAttached',
  inUse: new Set(['DependencyViolation', 'InvalidNetworkInterface.InUse', 'InvalidIPAddress.InUse', 'IncorrectState', 'InvalidState', 'ResourceInUse']),
};

/** One AWS call of an undo step: sent (with AWS's answer, which a describe needs), or nothing was left to undo. */
type UndoAttempt<T> = { readonly kind: 'sent'; readonly answer: T } | { readonly kind: 'already-gone' };

/** Runs one AWS call of an undo step; "in use" throws StillInUse, anything else unknown is thrown unchanged. */
export async function attemptUndo<T>(call: () => Promise<T>, meaning: UndoErrorMeaning = EC2_UNDO_ERRORS): Promise<UndoAttempt<T>> {
  try {
    return { kind: 'sent', answer: await call() };
  } catch (error) {
    if (isNotFound(error) || meaning.alsoGone(error)) return { kind: 'already-gone' };
    const name = awsErrorName(error) ?? '';
    if (meaning.inUse.has(name)) throw new StillInUse(`${name}: ${(error as Error).message}`);
    throw error;
  }
}

/** A delete of an undo step: 'deleted' when AWS took the call, 'already-gone' when there was nothing left. */
export async function undoCall(call: () => Promise<unknown>, meaning: UndoErrorMeaning = EC2_UNDO_ERRORS): Promise<'deleted' | 'already-gone'> {
  const attempt = await attemptUndo(call, meaning);
  return attempt.kind === 'sent' ? 'deleted' : 'already-gone';
}
