import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  SearchExpression,
  type Metric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LOCK_WAITS_METRIC, METRIC_NAMESPACE } from '../functions/shared/metrics';

/** The NAT gateway metrics the dashboard shows for every NAT gateway of the account and region. */
export const NAT_GATEWAY_METRICS = ['ErrorPortAllocation', 'PacketsDropCount', 'BytesOutToDestination'] as const;

interface OperationsDashboardProps {
  readonly workflows: ReadonlyArray<{ readonly name: string; readonly stateMachine: IStateMachine }>;
  readonly rollbackFunction: IFunction;
  readonly rollbackIncomplete: Metric;
  /** Names of the alarms to show (names, not the alarm constructs: see below). */
  readonly alarmNames: readonly string[];
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;

/**
 * One CloudWatch dashboard, named after the stack: the alarms' states; per state machine its executions
 * (started / succeeded / failed / timed out / aborted) and their duration; rollbacks; lock waits; and every
 * NAT gateway of the account and region (a SEARCH expression, so the NAT gateways the workflow creates later
 * appear without a redeploy; NAT gateways lambda-egress did not create appear too).
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const sum = { statistic: 'Sum', period: PERIOD };
    // By name rather than by GetAtt: the dashboard does not wait on the alarms, and emulators that skip
    // AWS::CloudWatch::Alarm (moto) can still deploy it.
    const alarms = props.alarmNames.map((name) => Alarm.fromAlarmName(this, `Alarm${name}`, name));
    const rows: IWidget[][] = [[new AlarmStatusWidget({ title: 'Alarms', alarms, width: 2 * WIDTH, height: 4 })]];

    for (const { name, stateMachine } of props.workflows) {
      rows.push([
        new GraphWidget({
          title: `${name}: executions`,
          width: WIDTH,
          left: [
            stateMachine.metricStarted({ ...sum, label: 'started' }),
            stateMachine.metricSucceeded({ ...sum, label: 'succeeded' }),
            stateMachine.metricFailed({ ...sum, label: 'failed' }),
            stateMachine.metricTimedOut({ ...sum, label: 'timed out' }),
            stateMachine.metricAborted({ ...sum, label: 'aborted' }),
          ],
        }),
        new GraphWidget({
          title: `${name}: duration (ms)`,
          width: WIDTH,
          left: ['p50', 'p90', 'Maximum'].map((statistic) => stateMachine.metricTime({ statistic, period: PERIOD, label: statistic })),
        }),
      ]);
    }

    rows.push([
      new GraphWidget({
        title: 'Rollbacks',
        width: WIDTH,
        left: [
          props.rollbackFunction.metricInvocations({ ...sum, label: 'Rollback task runs (retries included)' }),
          props.rollbackFunction.metricErrors({ ...sum, label: 'Rollback task errors (waits on AWS included)' }),
        ],
        right: [props.rollbackIncomplete.with({ label: 'RollbackIncomplete: resources left behind' })],
      }),
      new GraphWidget({
        title: `Lock waits (${METRIC_NAMESPACE}/${LOCK_WAITS_METRIC})`,
        width: WIDTH,
        left: [search(`Namespace="${METRIC_NAMESPACE}" MetricName="${LOCK_WAITS_METRIC}"`, 'Sum', 'lock waits')],
      }),
    ]);

    const nat = NAT_GATEWAY_METRICS.map(
      (metricName) =>
        new GraphWidget({
          title: `NAT gateways: ${metricName}`,
          width: (2 * WIDTH) / NAT_GATEWAY_METRICS.length,
          left: [search(`{AWS/NATGateway,NatGatewayId} MetricName="${metricName}"`, 'Sum', '')],
        }),
    );
    rows.push(nat);

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: Stack.of(this).stackName, widgets: rows });
  }
}

function search(query: string, statistic: string, label: string): SearchExpression {
  return new SearchExpression({ expression: `SEARCH('${query}', '${statistic}', ${PERIOD.toSeconds()})`, label, period: PERIOD });
}
