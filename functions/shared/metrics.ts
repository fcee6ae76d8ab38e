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
 * The network lock: one data point (value 1, unit Count) each time an execution finds the network locked by
 * another execution and waits, dimension `Network` (the dashboard finds the metric by name with a SEARCH
 * expression, whatever its dimensions).
 */
export const LOCK_WAITS_METRIC = 'LockWaits';

/** A log record in CloudWatch's embedded metric format: its root keys are the metric's values and dimensions. */
interface EmbeddedMetric {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{ readonly Namespace: string; readonly Dimensions: string[][]; readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }> }>;
  };
  readonly [key: string]: unknown;
}

/**
 * One lock wait as an embedded-metric-format record: logged by the waiting task (at INFO, the functions' default
 * level), CloudWatch Logs extracts the data point from the Lambda function's log line — no PutMetricData call, so
 * no SDK client and no IAM permission
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
export function lockWaitMetric(network: string, now: Date = new Date()): EmbeddedMetric {
  return {
    _aws: { Timestamp: now.getTime(), CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Network']], Metrics: [{ Name: LOCK_WAITS_METRIC, Unit: 'Count' }] }] },
    Network: network,
    [LOCK_WAITS_METRIC]: 1,
  };
}
