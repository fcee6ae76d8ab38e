import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, LogLevel, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { LOCK_WAITS_METRIC, METRIC_NAMESPACE, ROLLBACK_INCOMPLETE_METRIC } from '../../functions/shared/metrics';
import { createApp } from '../../infra/app';
import type { LambdaEgressStack, LambdaEgressStackProps } from '../../infra/lambda-egress-stack';
import { NAT_GATEWAY_METRICS } from '../../infra/operations-dashboard';
import { flat, functionLogicalId } from '../support/template-queries';

/**
 * The stack's alarms and dashboard. Synthesized without bundling the functions (context
 * aws:cdk:bundling-stacks = []): the template is the same but for the code assets' hashes, and cdk-nag still
 * gates synthesis (createApp adds AwsSolutionsChecks; app.synth() throws on a finding).
 */
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:platform-alarms';
const outdirs: string[] = [];

interface Synthesized {
  readonly template: Template;
  readonly templatePath: string;
  readonly stack: LambdaEgressStack;
}

function synthesize(props: LambdaEgressStackProps = {}, before?: (stack: LambdaEgressStack) => void): Synthesized {
  const previous = process.env.CDK_CONTEXT_JSON;
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
  try {
    const outdir = mkdtempSync(join(tmpdir(), 'lambda-egress-observe-'));
    outdirs.push(outdir);
    const { app, stack } = createApp(props, outdir);
    before?.(stack);
    const artifact = app.synth().getStackByName(stack.stackName);
    return { template: Template.fromJSON(artifact.template as Record<string, unknown>), templatePath: join(outdir, artifact.templateFile), stack };
  } finally {
    if (previous === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = previous;
  }
}

/** An existing topic of the platform team's, imported by ARN as they would pass it. */
function importedTopic() {
  return Topic.fromTopicArn(new Stack(new App(), 'PlatformTeam'), 'Alarms', TOPIC_ARN);
}

let plain: Synthesized;
let notified: Synthesized;

beforeAll(() => {
  plain = synthesize();
  notified = synthesize({ alarmTopic: importedTopic() });
}, 300_000);

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

type Properties = Record<string, unknown>;
const stateMachineIds = (template: Template): string[] => Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
const alarmsOf = (template: Template): Properties[] => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Properties);
const alarmOn = (template: Template, namespace: string, metricName: string): Properties[] =>
  alarmsOf(template).filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
const FIRES_ON_FIRST = { Threshold: 1, EvaluationPeriods: 1, Period: 300, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' };

describe('alarms', () => {
  it('watches every state machine of the template for failed, timed-out and aborted executions', () => {
    const machines = stateMachineIds(plain.template);
    expect(machines.length).toBeGreaterThan(0);
    for (const machine of machines) {
      for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
        const found = alarmOn(plain.template, 'AWS/States', metricName).filter((alarm) => JSON.stringify(alarm.Dimensions) === JSON.stringify([{ Name: 'StateMachineArn', Value: { Ref: machine } }]));
        expect([machine, metricName, found.map((alarm) => ({ ...alarm, AlarmName: undefined, AlarmDescription: undefined, Dimensions: undefined, MetricName: undefined, Namespace: undefined }))]).toEqual([
          machine,
          metricName,
          [{ ...FIRES_ON_FIRST, Statistic: 'Sum' }],
        ]);
      }
    }
  });

  it("counts the executions that end with RollbackIncomplete from each state machine's log, and alarms on the first", () => {
    const resources = plain.template.toJSON().Resources as Record<string, { Properties: Properties }>;
    for (const machine of stateMachineIds(plain.template)) {
      const logging = resources[machine]?.Properties.LoggingConfiguration as { Level: string; Destinations: Array<{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }> };
      // ExecutionFailed events, with their error, are written at FATAL, ERROR and ALL.
      expect(['FATAL', 'ERROR', 'ALL']).toContain(logging.Level);
      const logGroup = logging.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
      plain.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logGroup },
        FilterPattern: '{ ($.type = "ExecutionFailed") && ($.details.error = "RollbackIncomplete") }',
        MetricTransformations: [{ MetricNamespace: METRIC_NAMESPACE, MetricName: ROLLBACK_INCOMPLETE_METRIC, MetricValue: '1' }],
      });
    }
    const alarm = alarmOn(plain.template, METRIC_NAMESPACE, ROLLBACK_INCOMPLETE_METRIC);
    expect(alarm).toEqual([expect.objectContaining({ ...FIRES_ON_FIRST, Statistic: 'Sum', AlarmName: 'LambdaEgress-RollbackIncomplete' })]);
    expect(alarm[0]?.Dimensions).toBeUndefined();
  });

  it("alarms as soon as a message is visible in the tag trigger's dead-letter queue", () => {
    const queue = Object.keys(plain.template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('TagTriggerDeadLetters'));
    expect(alarmOn(plain.template, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual([
      expect.objectContaining({ ...FIRES_ON_FIRST, Statistic: 'Maximum', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }] }),
    ]);
  });

  it('alarms on the first 5xx answer of the catalog API', () => {
    const api = Object.keys(plain.template.findResources('AWS::ApiGateway::RestApi'))[0];
    const alarm = alarmOn(plain.template, 'AWS/ApiGateway', '5XXError');
    expect(alarm).toEqual([expect.objectContaining({ ...FIRES_ON_FIRST, Statistic: 'Sum' })]);
    expect(flat((alarm[0]?.Dimensions as Array<{ Value: unknown }>)[0]?.Value)).toBe(flat(plain.template.toJSON().Resources[api ?? ''].Properties.Name));
  });

  it('creates the alarms without actions when no alarmTopic is given', () => {
    const alarms = alarmsOf(plain.template);
    expect(alarms).toHaveLength(3 * stateMachineIds(plain.template).length + 3);
    for (const alarm of alarms) expect([alarm.AlarmName, alarm.AlarmActions]).toEqual([alarm.AlarmName, undefined]);
  });

  it('sends every alarm to the alarmTopic when one is given, and stays cdk-nag and cfn-lint clean', () => {
    const alarms = alarmsOf(notified.template);
    expect(alarms).toHaveLength(alarmsOf(plain.template).length);
    for (const alarm of alarms) expect([alarm.AlarmName, alarm.AlarmActions]).toEqual([alarm.AlarmName, [TOPIC_ARN]]);
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', notified.templatePath], { encoding: 'utf8' });
    if (lint.error) throw new Error(`cfn-lint could not run (${lint.error.message}): install it with pip install cfn-lint`);
    expect({ status: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('creates no dead-letter alarm when the tag trigger is off', () => {
    const { template } = synthesize({ tagTrigger: false });
    expect(alarmOn(template, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual([]);
    expect(alarmsOf(template)).toHaveLength(alarmsOf(plain.template).length - 1);
  }, 120_000);

  it('fails synthesis, naming it, when the stack has a state machine the alarms do not watch', () => {
    expect(() =>
      synthesize(undefined, (stack) => {
        new StateMachine(stack, 'Unwatched', { definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Nothing')) });
      }),
    ).toThrow(/state machine LambdaEgress\/Unwatched has no alarms/);
  }, 120_000);

  it('fails early on stateMachineLogLevel OFF, which would silence the RollbackIncomplete alarm', () => {
    expect(() => createApp({ stateMachineLogLevel: LogLevel.OFF })).toThrow(/stateMachineLogLevel OFF would silence the RollbackIncomplete alarm/);
  });
});

describe('dashboard', () => {
  const body = () => {
    const dashboards = Object.values(plain.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties.DashboardName).toBe('LambdaEgress');
    return JSON.parse(flat(dashboards[0]?.Properties.DashboardBody)) as { widgets: Array<{ type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[] } }> };
  };
  const metricsOf = (title: string): unknown[][] => body().widgets.find((widget) => widget.properties.title === title)?.properties.metrics ?? [];

  it('shows the executions started, succeeded, failed, timed out, aborted and their duration, per state machine', () => {
    for (const machine of stateMachineIds(plain.template)) {
      const executions = body().widgets.filter((widget) => JSON.stringify(widget.properties.metrics ?? []).includes(`"\${${machine}}"`));
      const names = executions.flatMap((widget) => (widget.properties.metrics ?? []).map((metric) => `${String(metric[1])}:${JSON.stringify((metric.at(-1) as { stat?: string }).stat)}`));
      expect(names.sort()).toEqual(
        [
          'ExecutionsStarted:"Sum"',
          'ExecutionsSucceeded:"Sum"',
          'ExecutionsFailed:"Sum"',
          'ExecutionsTimedOut:"Sum"',
          'ExecutionsAborted:"Sum"',
          'ExecutionTime:"p50"',
          'ExecutionTime:"p90"',
          'ExecutionTime:"Maximum"',
        ].sort(),
      );
    }
  });

  it('shows rollbacks: the Rollback task runs and errors, and RollbackIncomplete', () => {
    const rollback = functionLogicalId(plain.template, 'LambdaEgress-Rollback');
    const metrics = metricsOf('Rollbacks').map((metric) => metric.slice(0, 4));
    const functionName = `\${${rollback}}`;
    expect(metrics).toEqual([
      ['AWS/Lambda', 'Invocations', 'FunctionName', functionName],
      ['AWS/Lambda', 'Errors', 'FunctionName', functionName],
      [METRIC_NAMESPACE, ROLLBACK_INCOMPLETE_METRIC, expect.objectContaining({ yAxis: 'right' })],
    ]);
  });

  it('shows the lock waits by a search over the LambdaEgress/LockWaits metric, whatever its dimensions', () => {
    expect(metricsOf(`Lock waits (${METRIC_NAMESPACE}/${LOCK_WAITS_METRIC})`)).toEqual([
      [expect.objectContaining({ expression: `SEARCH('Namespace="${METRIC_NAMESPACE}" MetricName="${LOCK_WAITS_METRIC}"', 'Sum', 300)` })],
    ]);
  });

  it("shows every NAT gateway's ErrorPortAllocation, PacketsDropCount and BytesOutToDestination by a SEARCH over the account's NAT gateways", () => {
    for (const metricName of NAT_GATEWAY_METRICS) {
      expect([metricName, metricsOf(`NAT gateways: ${metricName}`)]).toEqual([
        metricName,
        [[expect.objectContaining({ expression: `SEARCH('{AWS/NATGateway,NatGatewayId} MetricName="${metricName}"', 'Sum', 300)` })]],
      ]);
    }
    expect([...NAT_GATEWAY_METRICS].sort()).toEqual(['BytesOutToDestination', 'ErrorPortAllocation', 'PacketsDropCount']);
  });

  it('shows the state of every alarm of the stack', () => {
    const shown = body().widgets.find((widget) => widget.type === 'alarm')?.properties.alarms ?? [];
    const names = alarmsOf(plain.template).map((alarm) => alarm.AlarmName as string);
    expect(shown.map((arn) => arn.split(':alarm:')[1]).sort()).toEqual(names.sort());
  });
});
