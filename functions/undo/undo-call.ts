import { awsErrorName, isNotFound } from '../shared/errors';
import { StillInUse } from './still-in-use';
import type { RollbackOutcome } from './types';

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

/** Runs one AWS call of an undo step: undefined when it ran, 'already-gone' when there was nothing left to undo; "in use" throws StillInUse. */
export async function undoCall(call: () => Promise<unknown>, meaning: UndoErrorMeaning = EC2_UNDO_ERRORS): Promise<RollbackOutcome | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (isNotFound(error) || meaning.alsoGone(error)) return 'already-gone';
    const name = awsErrorName(error) ?? '';
    if (meaning.inUse.has(name)) throw new StillInUse(`${name}: ${(error as Error).message}`);
    throw error;
  }
}
