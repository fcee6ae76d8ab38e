/**
 * lambda-egress's own CloudWatch metrics: the names the stack's alarms and dashboard read, and the code that
 * emits them writes. One place, so the two cannot drift.
 */

/** The namespace of every metric lambda-egress publishes itself (AWS's own stay in AWS/States, AWS/SQS, ...). */
export const METRIC_NAMESPACE = 'LambdaEgress';

/**
 * One data point (value 1) per execution that ended with the error `RollbackIncomplete`: published by a
 * metric filter on each state machine's log group (infra/observability.ts), no dimensions.
 */
export const ROLLBACK_INCOMPLETE_METRIC = 'RollbackIncomplete';

/**
 * Reserved for the network lock: one data point (value 1, unit Count) each time an execution finds the
 * network locked by another execution and waits. Any dimensions (e.g. `Network`): the dashboard finds the
 * metric by name with a SEARCH expression.
 */
export const LOCK_WAITS_METRIC = 'LockWaits';
