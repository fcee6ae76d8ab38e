import { CloudWatchClient, ListTagsForResourceCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { ProvisionResult } from '../../functions/report/report-result';
import { NAT_ALARM_PREFIX } from '../../functions/shared/nat-alarms';
import { allPages } from '../../functions/shared/paginate';
import { emulator } from '../../local/test-support/emulator-control';
import { completeVpc } from '../support/existing-vpcs';
import { runNetworkTasks } from '../support/workflow';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

const cloudwatch = new CloudWatchClient({});
const ec2 = new EC2Client({});
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } };

interface SeenAlarm {
  readonly name: string;
  readonly natGatewayId: string | undefined;
  readonly metric: string | undefined;
  readonly rule: string;
  readonly tags: Record<string, string>;
}

/** Every lambda-egress NAT alarm of the account, as CloudWatch describes it, with its tags. */
async function natAlarms(): Promise<SeenAlarm[]> {
  const alarms = await allPages(paginateDescribeAlarms({ client: cloudwatch }, { AlarmNamePrefix: NAT_ALARM_PREFIX }), (page) => page.MetricAlarms);
  const seen: SeenAlarm[] = [];
  for (const alarm of alarms) {
    const tags = (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }))).Tags ?? [];
    seen.push({
      name: alarm.AlarmName!,
      natGatewayId: alarm.Dimensions?.find((dimension) => dimension.Name === 'NatGatewayId')?.Value,
      metric: alarm.MetricName,
      rule: `${alarm.Namespace} ${alarm.Statistic} ${alarm.Period}s ${alarm.ComparisonOperator} ${alarm.Threshold} missing=${alarm.TreatMissingData}`,
      tags: Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value])),
    });
  }
  return seen.sort((a, b) => a.name.localeCompare(b.name));
}

async function cloudWatchCalls(action?: string): Promise<number> {
  return (await emulator.calls()).filter((call) => call.service === 'monitoring' && (!action || call.action === action)).length;
}

describe('per-network NAT alarms (network.alarms)', () => {
  it('a provision with network.alarms creates ErrorPortAllocation and PacketsDropCount alarms on each NAT gateway it creates, tagged and ledgered; a repeat creates none', async () => {
    // GIVEN a user function
    const { functionName } = await freshAccountWithFunction('alarmed-api');
    await queueProbeAnswers(passingProbe(), passingProbe());

    // WHEN the workflow runs with alarms on a 2-AZ network (a NAT gateway per AZ)
    const run = await provision({ functionName, network: { name: 'watched', alarms: true } });

    // THEN it succeeds, with two alarms per NAT gateway, tagged with the network, the execution and managed=true
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    const natIds = result.ledger.filter((entry) => entry.kind === 'nat-gateway').map((entry) => entry.id).sort();
    expect(natIds).toHaveLength(2);
    const alarms = await natAlarms();
    expect(alarms.map((alarm) => [alarm.natGatewayId, alarm.metric])).toEqual(natIds.flatMap((id) => [[id, 'ErrorPortAllocation'], [id, 'PacketsDropCount']]));
    expect(new Set(alarms.map((alarm) => alarm.rule))).toEqual(new Set(['AWS/NATGateway Sum 300s GreaterThanThreshold 0 missing=notBreaching']));
    for (const alarm of alarms) {
      expect(alarm.tags).toEqual({ 'lambda-egress:network': 'watched', 'lambda-egress:execution': run.executionArn, 'lambda-egress:managed': 'true', 'lambda-egress:role': 'nat-alarm' });
    }
    // AND the ledger lists each alarm once, by name
    expect(result.ledger.filter((entry) => entry.kind === 'cloudwatch-alarm').map((entry) => entry.id).sort()).toEqual(alarms.map((alarm) => alarm.name));

    // WHEN the same request runs again
    const putsBefore = await cloudWatchCalls('PutMetricAlarm');
    const again = await provision({ functionName, network: { name: 'watched', alarms: true } });

    // THEN it succeeds without creating or ledgering an alarm: the four are the first run's, unchanged
    expect([again.status, again.error]).toEqual(['SUCCEEDED', undefined]);
    expect(await cloudWatchCalls('PutMetricAlarm')).toBe(putsBefore);
    expect(await natAlarms()).toEqual(alarms);
    expect((again.output as ProvisionResult).ledger.filter((entry) => entry.kind === 'cloudwatch-alarm')).toEqual([]);
  });

  it("fails the probe, and its rollback removes the alarms with the network's other resources", async () => {
    // GIVEN a provision with alarms whose probe fails
    const { functionName } = await freshAccountWithFunction('alarmed-fail');
    await queueProbeAnswers(...Array.from({ length: 5 }, () => failingProbe));

    // WHEN it runs
    const run = await provision({ functionName, network: { name: 'doomed', alarms: true } });

    // THEN it fails ProbeFailed after creating the alarms, and Rollback deleted them, and everything else it made
    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFailed']);
    expect(await cloudWatchCalls('PutMetricAlarm')).toBe(4);
    expect(await cloudWatchCalls('DeleteAlarms')).toBe(4);
    expect(await natAlarms()).toEqual([]);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
  });

  it('fails for good on the second PutMetricAlarm, and Rollback still finds and removes the first alarm, whose ledger entry was lost with the task', async () => {
    // GIVEN a provision with alarms on one NAT gateway, whose second PutMetricAlarm is refused (AccessDenied)
    const { functionName } = await freshAccountWithFunction('alarmed-denied');
    await queueProbeAnswers(passingProbe());
    await emulator.inject({ service: 'monitoring', action: 'PutMetricAlarm', nth: 2, fault: { type: 'error', code: 'AccessDenied', status: 403 } });

    // WHEN it runs
    const run = await provision({ functionName, network: { name: 'denied', natGateways: 'single', alarms: true } });

    // THEN it fails with AccessDenied, and nothing it created is left: the first alarm neither
    expect([run.status, run.error]).toEqual(['FAILED', 'AccessDenied']);
    expect(await cloudWatchCalls('PutMetricAlarm')).toBe(2);
    expect(await natAlarms()).toEqual([]);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
  });

  it('a provision without network.alarms creates no alarm and makes no CloudWatch call', async () => {
    const { functionName } = await freshAccountWithFunction('quiet-api');
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'quiet' } });
    expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
    expect(await cloudWatchCalls()).toBe(0);
    expect(await natAlarms()).toEqual([]);
  });

  it("an existing VPC's own NAT gateways get no alarms: only the NAT gateways lambda-egress creates do", async () => {
    // GIVEN a user's VPC with a NAT gateway per AZ, untagged
    await freshAccountWithFunction('orders-api');
    const vpc = await completeVpc(ec2, 44);

    // WHEN its network is repaired with alarms (it uses the user's NAT gateways, creates none)
    const run = await runNetworkTasks({ functionName: 'orders-api', network: { vpcId: vpc.vpcId, name: 'theirs', alarms: true, s3Endpoint: false } }, 'theirs-alarms');

    // THEN no alarm exists and none is ledgered
    expect(run.network.natGateways.map((nat) => nat.natTargetId).sort()).toEqual([...vpc.natGatewayIds].sort());
    expect(await natAlarms()).toEqual([]);
    expect(run.ledger.filter((entry) => entry.kind === 'cloudwatch-alarm')).toEqual([]);
  });
});
