import { pollLoop, settledParallel, task, type StateSource } from './asl-builder';
import { RETRY } from './retry-policies';
import { probeBranch } from './probe-branch';

/**
 * The provision's proof and switch: the probe beside the S3 endpoint, then the function onto the proven path and
 * the wait for its update. Part of provision.definition.ts, inside its failingTo('Rollback') group.
 */
export const proveAndAttachStates: Record<string, StateSource> = {
  ...settledParallel({
    name: 'ProveAndAddS3Endpoint',
    Comment:
      "The probe and the S3 gateway endpoint at once: the endpoint needs the private route tables (its routes go into them: https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html), not the probe's answer; the function moves only after both, onto its final routing. Each branch settles (a failure is caught in it), so Rollback starts only once neither task is still creating something.",
    branches: [
      probeBranch({
        run: 'RunProbe',
        proved: 'ProbeProved',
        settle: 'ProbeNotProved',
        raise: 'ProbeBranchFailed',
        Comment:
          'Proves egress from the subnets + security group the function is about to get, with the probe function already on them; fails ProbeFailed with a diagnosis, and then the function is never touched.',
      }),
      {
        StartAt: 'EnsureS3Endpoint',
        settle: 'S3EndpointNotAdded',
        raise: 'S3EndpointBranchFailed',
        States: {
          EnsureS3Endpoint: task('EnsureS3Endpoint', { ResultPath: '$.network.s3Endpoint', Next: 'S3EndpointAdded' }),
          S3EndpointAdded: { Type: 'Pass', Parameters: { 's3Endpoint.$': '$.network.s3Endpoint' }, End: true },
        },
      },
    ],
    ResultPath: '$.proof',
    choice: 'ProvedWithS3Endpoint?',
    choiceComment: "A failed branch rolls back with its error (the probe's first, when both failed).",
    failTo: 'Rollback',
    Next: 'KeepProbeResult',
  }),
  KeepProbeResult: { Type: 'Pass', InputPath: '$.proof[0].probe', ResultPath: '$.probe', Next: 'KeepS3Endpoint' },
  KeepS3Endpoint: { Type: 'Pass', InputPath: '$.proof[1].s3Endpoint', ResultPath: '$.network.s3Endpoint', Next: 'AttachFunction' },
  AttachFunction: task('AttachFunction', {
    Comment: 'Only now, onto a path already proven (no egress gap): the Hyperplane ENIs of this subnet + security group combination exist.',
    ResultPath: '$.function.attach',
    retry: [RETRY.functionUpdateInProgress, RETRY.rolePropagation],
    Next: 'StartFunctionWait',
  }),
  ...pollLoop({
    counter: 'functionWait',
    states: {
      start: 'StartFunctionWait',
      check: 'CheckFunctionUpdate',
      choice: 'FunctionUpdated?',
      firstWait: 'FirstWaitForFunctionUpdate',
      wait: 'WaitForFunctionUpdate',
      count: 'CountFunctionWait',
    },
    done: { when: { Variable: '$.functionWait.check.status', StringEquals: 'Successful' }, next: 'FunctionReady' },
    timeout: 'FunctionUpdateTimeout',
    // Onto Hyperplane ENIs that exist (the probe's, or a ready network's), the update takes seconds, 2 at the least
    // (bench/latency-profile.json), and Lambda reports it as LastUpdateStatus InProgress -> Successful
    // (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html). So a first wait of 2 s, then a look every
    // second, the AWS SDK's own FunctionUpdatedV2 waiter's delay (@aws-sdk/client-lambda waitUntilFunctionUpdatedV2:
    // minDelay 1 s): the function is seen updated within a second, where 3 s steps overshot by 1-2 s on every join.
    firstWaitSeconds: 2,
    waitSeconds: 1,
    // The AWS SDK's FunctionUpdated waiter's budget (60 x 5 s).
    budgetSeconds: 300,
    waitComment: 'A VPC configuration update keeps the function InProgress for seconds to minutes (less onto existing Hyperplane ENIs).',
  }),
  FunctionUpdateTimeout: {
    Type: 'Pass',
    Comment:
      'Outside a Parallel a Fail state would end the execution without rollback: the error is recorded where a Catch puts it, and Rollback raises it by name (RolledBack).',
    Result: { Error: 'FunctionUpdateTimeout', Cause: "The function's VPC configuration update was still in progress after 5 minutes (a first wait of 2 s, then checks 1 s apart)." },
    ResultPath: '$.error',
    Next: 'Rollback',
  },
  FunctionReady: { Type: 'Pass', InputPath: '$.functionWait.attempt', ResultPath: '$.waits.functionUpdateChecks', Next: 'RecordAndDetach' },
};
