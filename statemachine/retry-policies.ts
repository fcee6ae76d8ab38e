import { AWS_THROTTLING_ERRORS, AWS_TRANSIENT_ERRORS, LAMBDA_SERVICE_ERRORS } from '../functions/shared/errors';

/**
 * One ASL `Retry` entry. Policies back off with full jitter and a ceiling, so retries never align; a policy
 * whose total wait is a promise (its minimum matters, not its spread) uses NONE: Step Functions has no jitter
 * that only lengthens (JitterStrategy is FULL or NONE), and FULL's minimum total is zero.
 */
export interface RetryPolicy {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
  readonly MaxAttempts: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy: 'FULL' | 'NONE';
}

/**
 * Every retry policy of the workflow, the one place to change one. Tasks name them in
 * statemachine/provision.definition.ts; `npm run build:asl` writes them into the ASL.
 */
export const RETRY = {
  /** AWS throttling and Lambda's own service errors: SDK errors reach the ASL unchanged (CONTRIBUTING.md). */
  throttling: {
    ErrorEquals: [...AWS_THROTTLING_ERRORS, ...LAMBDA_SERVICE_ERRORS],
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: 6,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
  /** AWS's transient server-side errors. */
  transient: {
    ErrorEquals: [...AWS_TRANSIENT_ERRORS],
    IntervalSeconds: 3,
    BackoffRate: 2,
    MaxAttempts: 3,
    MaxDelaySeconds: 20,
    JitterStrategy: 'FULL',
  },
  /** Lambda is still applying an earlier update, or the role's new policy has not propagated yet (release). */
  functionBusy: {
    ErrorEquals: ['FunctionUpdateInProgress', 'RolePropagationDelay'],
    IntervalSeconds: 5,
    BackoffRate: 1.5,
    MaxAttempts: 8,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
  /** Lambda is still applying an earlier update (the provision's AttachFunction: IAM's delay is rolePropagation's). */
  functionUpdateInProgress: {
    ErrorEquals: ['FunctionUpdateInProgress'],
    IntervalSeconds: 5,
    BackoffRate: 1.5,
    MaxAttempts: 8,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
  /**
   * The role's new VPC access policy has not reached Lambda yet: IAM changes are eventually consistent and take
   * time to be visible to other services
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency),
   * and until then UpdateFunctionConfiguration answers InvalidParameterValueException "The provided execution role
   * does not have permissions to call CreateNetworkInterface on EC2" (attach-function.ts names it). Retrying that
   * one answer instead of sleeping a fixed time: AttachVpcAccessPolicy runs first after the lock, so the
   * propagation mostly overlaps the network's tasks, and the few seconds left are waited for in short steps
   * (1, 1.25, 1.56 ... up to 4 s; halved on average by the jitter, which also keeps many joins' retries apart):
   * the function moves within about a second of IAM letting it. A join from the registry record attaches the
   * policy only a second or two before AttachFunction, so it waits out nearly all of IAM's ~10 s here: steps that
   * grew to 15 s overshot that by 3-4 s (bench/joins.ts). At most 40 retries, about 2.5 minutes.
   */
  rolePropagation: {
    ErrorEquals: ['RolePropagationDelay'],
    IntervalSeconds: 1,
    BackoffRate: 1.25,
    MaxAttempts: 40,
    MaxDelaySeconds: 4,
    JitterStrategy: 'FULL',
  },
  /** The probe function is still Pending (its Hyperplane ENIs are being created). */
  probeNotReady: {
    ErrorEquals: ['ProbeNotReady'],
    IntervalSeconds: 5,
    BackoffRate: 1.5,
    MaxAttempts: 20,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
  /**
   * A NAT gateway still deleting or Lambda ENIs still attached. Hyperplane ENIs take 20-45 minutes to go
   * (Terraform's aws_lambda_function waits 45 min), so Rollback waits at least 58 minutes in all
   * (15 + 22.5 + 33.75 + 50.6 + 56 x 60 s) before RollbackIncomplete: no jitter, so that bound is a minimum
   * (test/statemachine/eni-wait-bound.test.ts computes it from the ASL; docs/enis-and-teardown.md).
   */
  resourceStillInUse: {
    ErrorEquals: ['ResourceStillInUse'],
    IntervalSeconds: 15,
    BackoffRate: 1.5,
    MaxAttempts: 60,
    MaxDelaySeconds: 60,
    JitterStrategy: 'NONE',
  },
  /**
   * EC2 does not show a resource created a moment ago (eventual consistency): AWS advises retrying "starting with a
   * couple of seconds of wait time, and increasing gradually up to a few minutes"
   * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). 2+4+8+16+32+60+60 s at most, about 3 min.
   */
  notYetVisible: {
    ErrorEquals: ['ResourceNotYetVisible'],
    IntervalSeconds: 2,
    BackoffRate: 2,
    MaxAttempts: 7,
    MaxDelaySeconds: 60,
    JitterStrategy: 'FULL',
  },
} as const satisfies Record<string, RetryPolicy>;

/** What every Task retries, ahead of its own policies. */
export const STANDARD_RETRY: readonly RetryPolicy[] = [RETRY.throttling, RETRY.transient, RETRY.notYetVisible];
