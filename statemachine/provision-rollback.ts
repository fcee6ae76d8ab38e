import { task, type StateSource } from './asl-builder';
import { RETRY } from './retry-policies';

/**
 * Where the provision's failures end: Rollback and the lock given back after it, the repair of a join under the
 * exclusive lock, and the Fail states. Part of provision.definition.ts.
 */
export const rollbackStates: Record<string, StateSource> = {
  Rollback: task('Rollback', {
    Comment:
      'Compensation: removes exactly what this execution created, in reverse order; re-entrant, so ResourceStillInUse (NAT deleting, Lambda ENIs) is retried.',
    ResultPath: '$.rollback',
    TimeoutSeconds: 300,
    retry: [RETRY.resourceStillInUse],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: 'ReleaseNetworkLockAfterRollback' }],
    Next: 'ReleaseNetworkLockAfterRollback',
  }),
  ReleaseNetworkLockAfterRollback: task('ReleaseNetworkLock', {
    Comment: "Gives the locks back after Rollback ($.error: a network this execution was building is marked failed). Should it fail, the stale-lock rule frees them when the execution ends.",
    ResultPath: '$.unlock',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.unlockError', Next: 'RollbackComplete?' }],
    Next: 'RollbackComplete?',
  }),
  'RollbackComplete?': {
    Type: 'Choice',
    Choices: [
      { Variable: '$.rollbackError', IsPresent: true, Next: 'RollbackIncomplete' },
      { Variable: '$.error.Error', StringEquals: 'NetworkNeedsRepair', Next: 'RepairUnderExclusiveLock' },
    ],
    Default: 'RolledBack',
  },
  RepairUnderExclusiveLock: {
    Type: 'Pass',
    Comment:
      "A join (shared claim) found part of the network missing and was rolled back, its claim given back: the same request starts again from the lock, this time under the network's exclusive lock, which repairs (docs/joins.md).",
    Parameters: {
      'execution.$': '$.execution',
      'request.$': '$.request',
      'requestedBy.$': '$.requestedBy',
      // No $.function: RecordFunction reads the function again under the exclusive lock (as it was: Rollback restored it).
      'timing.$': '$.timing',
      lock: { attempt: 0, exclusive: true },
    },
    Next: 'AcquireNetworkLock',
  },
  RolledBack: {
    Type: 'Fail',
    Comment: "The original error, after a complete rollback (its report is in the Rollback task's output).",
    ErrorPath: '$.error.Error',
    CausePath: '$.error.Cause',
  },
  RollbackIncomplete: {
    Type: 'Fail',
    Comment: 'Rollback gave up: its Cause lists what is left and why, for a person to finish.',
    Error: 'RollbackIncomplete',
    CausePath: '$.rollbackError.Cause',
  },
  ReleaseNetworkLockAndFail: task('ReleaseNetworkLock', {
    Comment: 'Nothing was created: gives the locks back ($.error: a network this execution had marked building is marked failed).',
    ResultPath: '$.unlock',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.unlockError', Next: 'RequestRejected' }],
    Next: 'RequestRejected',
  }),
  RequestRejected: { Type: 'Fail', Comment: 'Nothing was created.', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
};
