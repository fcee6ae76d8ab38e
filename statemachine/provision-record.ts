import { settledParallel, task, type StateSource } from './asl-builder';

/**
 * The provision's end, once the function is on its proven path: the registry's record (membership, then the lock
 * or claim given back) beside the VPC access policy's removal. Neither needs the other (the policy is needed only
 * while Lambda sets up the function's network interfaces, done by now), so they run at once: the detach's
 * invocation no longer follows the registry's on every provision and join. Part of provision.definition.ts,
 * inside its failingTo('Rollback') group; each branch settles, so Rollback starts only once neither still runs.
 */
export const recordAndDetachStates: Record<string, StateSource> = {
  ...settledParallel({
    name: 'RecordAndDetach',
    Comment:
      "The registry's record (RecordMembership, then ReleaseNetworkLock) beside DetachVpcAccessPolicy: the function is updated and the probe passed, so neither waits for the other. Each branch settles (a failure is caught in it), so Rollback starts only once neither is still running.",
    branches: [
      {
        StartAt: 'RecordMembership',
        settle: 'MembershipNotRecorded',
        raise: 'RecordBranchFailed',
        States: {
          RecordMembership: task('RecordMembership', {
            Comment: "The function is a member of the network (with its original VpcConfig), the network is ready and holds this execution's ledger.",
            ResultPath: '$.membership',
            Next: 'ReleaseNetworkLock',
          }),
          ReleaseNetworkLock: task('ReleaseNetworkLock', { ResultPath: '$.unlock', Next: 'MembershipRecorded' }),
          MembershipRecorded: { Type: 'Pass', Parameters: { 'membership.$': '$.membership', 'unlock.$': '$.unlock' }, End: true },
        },
      },
      {
        StartAt: 'DetachVpcAccessPolicy',
        settle: 'VpcAccessPolicyNotDetached',
        raise: 'DetachBranchFailed',
        States: {
          DetachVpcAccessPolicy: task('DetachVpcAccessPolicy', { ResultPath: '$.detach', Next: 'VpcAccessPolicyDetached' }),
          VpcAccessPolicyDetached: { Type: 'Pass', Parameters: { 'detach.$': '$.detach' }, End: true },
        },
      },
    ],
    ResultPath: '$.closing',
    choice: 'RecordedAndDetached?',
    choiceComment: "A failed branch rolls back with its error (the registry's first, when both failed).",
    failTo: 'MembershipRecordedBeforeFailure?',
    Next: 'KeepMembership',
  }),
  // Rollback learns from $.membership that the network was handed over to the registry (functions/undo/rollback.ts:
  // it removes the membership and keeps the network): the settled branch holds it at $.closing[0].
  'MembershipRecordedBeforeFailure?': {
    Type: 'Choice',
    Choices: [{ Variable: '$.closing[0].membership', IsPresent: true, Next: 'KeepMembershipForRollback' }],
    Default: 'Rollback',
  },
  KeepMembershipForRollback: { Type: 'Pass', InputPath: '$.closing[0].membership', ResultPath: '$.membership', Next: 'Rollback' },
  KeepMembership: { Type: 'Pass', InputPath: '$.closing[0].membership', ResultPath: '$.membership', Next: 'KeepUnlock' },
  KeepUnlock: { Type: 'Pass', InputPath: '$.closing[0].unlock', ResultPath: '$.unlock', Next: 'KeepDetach' },
  KeepDetach: { Type: 'Pass', InputPath: '$.closing[1].detach', ResultPath: '$.detach', Next: 'ReportResult' },
};
