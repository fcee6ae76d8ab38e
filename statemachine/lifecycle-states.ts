import { LOCK_MAX_ATTEMPTS, LOCK_WAIT_SECONDS } from '../functions/shared/registry/lock-policy';
import { catchAllTo, failingTo, task, type StateSource } from './asl-builder';

/** The execution's identity, passed to the first task of release and teardown with the execution input. */
export const EXECUTION_PARAMETERS = { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'startTime.$': '$$.Execution.StartTime' } as const;

/**
 * Take the network's lock (and the function's, when the state's request names one), waiting while another
 * execution holds it: AcquireNetworkLock fails LockTimeout / FunctionBusy on its last attempt.
 */
export function lockStates(next: string, failTo: string, prefix = ''): Record<string, StateSource> {
  return {
    ...failingTo(failTo, {
      [`${prefix}AcquireNetworkLock`]: task('AcquireNetworkLock', {
        Comment: `Both locks in one transaction; not acquired, the holder is named and the loop waits (${LOCK_MAX_ATTEMPTS} attempts, ${LOCK_WAIT_SECONDS} s apart).`,
        ResultPath: '$.lock',
        Next: `${prefix}NetworkLockAcquired?`,
      }),
    }),
    [`${prefix}NetworkLockAcquired?`]: { Type: 'Choice', Choices: [{ Variable: '$.lock.acquired', BooleanEquals: true, Next: next }], Default: `${prefix}WaitForNetworkLock` },
    [`${prefix}WaitForNetworkLock`]: { Type: 'Wait', Comment: 'Another execution holds the network or the function.', Seconds: LOCK_WAIT_SECONDS, Next: `${prefix}AcquireNetworkLock` },
  };
}

/**
 * A failure after the lock: give the lock back (the network stays as the registry says), then fail with the
 * original error.
 */
export function unlockAfterFailure(failState: string, comment: string, prefix = ''): Record<string, StateSource> {
  return {
    [`${prefix}ReleaseNetworkLockAfterFailure`]: task('ReleaseNetworkLock', {
      Comment: 'Gives the locks back after a failure, so the next execution need not wait for the lease.',
      Parameters: { 'execution.$': '$.execution', 'request.$': '$.request', outcome: 'failed' },
      ResultPath: '$.unlock',
      Catch: [catchAllTo(failState)],
      Next: failState,
    }),
    [failState]: { Type: 'Fail', Comment: comment, ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
  };
}

/**
 * The teardown of one network, from ValidateTeardown (reads `$.network`) to `end`: validate (refuse while in
 * use), lock, then TeardownNetwork passes 30 s apart until nothing is left, unlock. Used by the teardown
 * workflow and, after a release with teardownIfUnused, by the release workflow.
 */
export function teardownStates(end: string, prefix = ''): Record<string, StateSource> {
  return {
    ...failingTo('TeardownRejected', {
      ValidateTeardown: task('ValidateTeardown', {
        Comment: 'Read-only: the network must be in the registry with no members (NetworkInUse names them). Its result is the new state.',
        Parameters: { 'input.$': '$', execution: EXECUTION_PARAMETERS },
        Next: `${prefix}AcquireNetworkLock`,
      }),
    }),
    TeardownRejected: { Type: 'Fail', Comment: 'Nothing was deleted.', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    ...lockStates('TeardownNetwork', 'TeardownRejected', prefix),
    ...failingTo(`${prefix}ReleaseNetworkLockAfterFailure`, {
      TeardownNetwork: task('TeardownNetwork', {
        Comment:
          "One pass of the undo engine over the network's ledger (reverse order, ENI-aware); returns what AWS still makes it wait for. Refuses while members remain.",
        ResultPath: '$.teardown',
        TimeoutSeconds: 300,
        Next: 'NetworkGone?',
      }),
      [`${prefix}ReleaseNetworkLock`]: task('ReleaseNetworkLock', {
        Parameters: { 'execution.$': '$.execution', 'request.$': '$.request', outcome: 'succeeded' },
        ResultPath: '$.unlock',
        Next: end,
      }),
    }),
    'NetworkGone?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.teardown.complete', BooleanEquals: true, Next: `${prefix}ReleaseNetworkLock` }],
      Default: 'WaitForTeardown',
    },
    WaitForTeardown: {
      Type: 'Wait',
      Comment: "AWS still holds something ($.teardown.waitingFor: Lambda ENIs in use, a NAT deleting); TeardownNetwork bounds the passes.",
      Seconds: 30,
      Next: 'TeardownNetwork',
    },
    ...unlockAfterFailure('TeardownFailed', "The teardown's error; the network stays 'deleting' with what is left in its ledger.", prefix),
  };
}
