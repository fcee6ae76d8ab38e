import { DeleteAlarmsCommand, DescribeAlarmsCommand, ListTagsForResourceCommand, paginateDescribeAlarms, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { isNotFound } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { natAlarmNetworkPrefix } from '../shared/nat-alarms';
import { allPages } from '../shared/paginate';
import { createdBy } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import type { RollbackOutcome } from './types';

/**
 * Deletes one NAT alarm lambda-egress created (a `cloudwatch-alarm` ledger entry: the id is the alarm's name).
 * One alarm per call: DeleteAlarms authorizes each alarm, and the task roles may delete only alarms tagged
 * `lambda-egress:managed=true` (infra/task-permissions.ts). An alarm already gone is done.
 */
export async function deleteNatAlarm(cloudwatch: CloudWatchClient, alarmName: string): Promise<RollbackOutcome> {
  const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }));
  if ((described.MetricAlarms ?? []).length === 0) return 'already-gone';
  try {
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarmName] }));
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
}

/**
 * The NAT alarms an execution created (tagged `lambda-egress:execution = <id>`) in its network: what a task
 * created before it failed, whose ledger entry never reached the state. Only the network's alarms are listed
 * (by name prefix), and only those are read for their tags.
 */
export async function discoverCreatedAlarms(cloudwatch: CloudWatchClient, networkName: string, executionId: string): Promise<LedgerEntry[]> {
  const alarms = await allPages(paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: natAlarmNetworkPrefix(networkName) }), (page) => page.MetricAlarms);
  const found: LedgerEntry[] = [];
  for (const alarm of alarms) {
    if (!alarm.AlarmName || !alarm.AlarmArn) continue;
    const tags = (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))).Tags;
    if (createdBy(tags, executionId)) found.push(ledgerEntry('cloudwatch-alarm', alarm.AlarmName));
  }
  return found;
}
