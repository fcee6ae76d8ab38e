import { DescribeAlarmsCommand, ListTagsForResourceCommand, PutMetricAlarmCommand, type CloudWatchClient, type Tag } from '@aws-sdk/client-cloudwatch';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { NAT_ALARM_METRICS, natAlarmName } from '../shared/nat-alarms';
import { createdBy, isManaged, managedTags } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';

const NAT_ALARM_ROLE = 'nat-alarm';

interface NatAlarmTarget {
  readonly networkName: string;
  readonly executionId: string;
  readonly natGatewayId: string;
  readonly az: string;
}

/**
 * The two alarms of one NAT gateway (functions/shared/nat-alarms.ts), found by name before anything is created.
 * One this execution created (a retried task) is ledgered again; one another execution of the network created
 * is used; an alarm of that name that is not lambda-egress's is left as it is (PutMetricAlarm would overwrite
 * it). A new alarm carries the managed tags from its creation: PutMetricAlarm applies `Tags` only when it
 * creates the alarm (CloudWatch API reference, PutMetricAlarm, Tags:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
export async function ensureNatAlarms(cloudwatch: CloudWatchClient, target: NatAlarmTarget): Promise<LedgerEntry[]> {
  const wanted = NAT_ALARM_METRICS.map((metric) => ({ ...metric, alarmName: natAlarmName(target.networkName, target.natGatewayId, metric.metricName) }));
  const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: wanted.map((alarm) => alarm.alarmName) }));
  const ledger: LedgerEntry[] = [];
  for (const alarm of wanted) {
    const detail = { natGatewayId: target.natGatewayId, metricName: alarm.metricName };
    const found = (described.MetricAlarms ?? []).find((existing) => existing.AlarmName === alarm.alarmName);
    if (found?.AlarmArn) {
      const tags = (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: found.AlarmArn }))).Tags;
      if (createdBy(tags, target.executionId)) ledger.push(ledgerEntry('cloudwatch-alarm', alarm.alarmName, { az: target.az, detail }));
      else if (!isManaged(tags)) logger.warn('an alarm of this name exists and is not lambda-egress\'s: left as it is', { alarmName: alarm.alarmName });
      continue;
    }
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm.alarmName,
        AlarmDescription: `lambda-egress network "${target.networkName}", NAT gateway ${target.natGatewayId} (${target.az}): ${alarm.meaning}. See the README, "Observe".`,
        Namespace: 'AWS/NATGateway',
        MetricName: alarm.metricName,
        Dimensions: [{ Name: 'NatGatewayId', Value: target.natGatewayId }],
        Statistic: 'Sum',
        // The first occurrence in 5 minutes, like the stack's own alarms; no data (no traffic) is OK.
        Period: 300,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Tags: cloudWatchTags(target),
      }),
    );
    ledger.push(ledgerEntry('cloudwatch-alarm', alarm.alarmName, { az: target.az, detail }));
    logger.info('NAT alarm created', { alarmName: alarm.alarmName });
  }
  return ledger;
}

function cloudWatchTags(target: NatAlarmTarget): Tag[] {
  return managedTags({ networkName: target.networkName, executionId: target.executionId, role: NAT_ALARM_ROLE }).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
}
