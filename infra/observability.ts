import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApiBase } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { StateMachine, type IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, ROLLBACK_INCOMPLETE_METRIC } from '../functions/shared/metrics';
import type { RoutedErrorName } from '../functions/shared/errors';
import { OperationsDashboard } from './operations-dashboard';

/** A state machine of the stack, with the log group it writes its execution events to. */
interface ObservedWorkflow {
  /** Short name used in alarm names and dashboard titles, e.g. `Provision`. Letters and digits. */
  readonly name: string;
  readonly stateMachine: IStateMachine;
  /** Its log group; the state machine must log at level FATAL, ERROR or ALL (ExecutionFailed events). */
  readonly logGroup: ILogGroup;
}

interface ObservabilityProps {
  /** Every state machine of the stack: synthesis fails when one is missing. */
  readonly workflows: readonly ObservedWorkflow[];
  /** The undo engine's function: its runs are the dashboard's rollbacks. */
  readonly rollbackFunction: IFunction;
  /** The catalog API: an alarm on its 5xx answers. */
  readonly api: RestApiBase;
  /** The tag trigger's dead-letter queue: an alarm as soon as a message is visible. @default no such alarm (no tag trigger) */
  readonly deadLetterQueue?: IQueue;
  /** Where every alarm sends its ALARM notification. @default none: the alarms exist without actions */
  readonly alarmTopic?: ITopic;
}

/** The error a workflow ends with when its rollback gave up (functions/shared/errors.ts). */
const ROLLBACK_INCOMPLETE_ERROR: RoutedErrorName = 'RollbackIncomplete';

/** How long each alarm looks back. */
const ALARM_PERIOD = Duration.minutes(5);

/**
 * The alarms a platform team needs, each with a runbook entry in README.md ("Observe"), and the operations
 * dashboard. Every alarm fires on the first occurrence in a 5-minute period and treats no data as OK (no
 * executions is normal).
 *
 * RollbackIncomplete gets its own alarm because it is the one a person must act on: resources are left
 * behind, billing. Step Functions publishes no metric per error (AWS/States ExecutionsFailed has only the
 * StateMachineArn dimension), and EventBridge's "Step Functions Execution Status Change" event, as its schema
 * lists it (executionArn, stateMachineArn, name, status, startDate, stopDate, input, output; CDK's generated
 * StepFunctionsExecutionStatusChange pattern has the same fields), cannot be matched on the error. The
 * execution log can: at level FATAL, ERROR or ALL Step Functions writes the
 * ExecutionFailed event with `details.error`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html), so a metric filter on
 * each state machine's log group counts the executions that ended with RollbackIncomplete.
 */
export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly rollbackIncomplete: Alarm;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    validateWorkflows(props.workflows);
    const alarmNames: string[] = [];
    const add = (alarmId: string, metric: IMetric, description: string): Alarm => {
      const alarmName = `${Stack.of(this).stackName}-${alarmId}`;
      alarmNames.push(alarmName);
      const alarm = new Alarm(this, alarmId, {
        alarmName,
        alarmDescription: `${description} Runbook: README.md, section Observe.`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (props.alarmTopic) alarm.addAlarmAction(new SnsAction(props.alarmTopic));
      this.alarms.push(alarm);
      return alarm;
    };

    const sum = { statistic: 'Sum', period: ALARM_PERIOD };
    for (const { name, stateMachine } of props.workflows) {
      add(`${name}ExecutionsFailed`, stateMachine.metricFailed(sum), `A ${name} execution failed (it rolled back what it created, unless the error is RollbackIncomplete).`);
      add(`${name}ExecutionsTimedOut`, stateMachine.metricTimedOut(sum), `A ${name} execution timed out: what it created was NOT rolled back.`);
      add(`${name}ExecutionsAborted`, stateMachine.metricAborted(sum), `A ${name} execution was stopped: what it created was NOT rolled back.`);
    }

    for (const { name, logGroup } of props.workflows) {
      new MetricFilter(this, `${name}RollbackIncompleteFilter`, {
        logGroup,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue('$.type', '=', 'ExecutionFailed'),
          FilterPattern.stringValue('$.details.error', '=', ROLLBACK_INCOMPLETE_ERROR),
        ),
        metricNamespace: METRIC_NAMESPACE,
        metricName: ROLLBACK_INCOMPLETE_METRIC,
        metricValue: '1',
      });
    }
    const rollbackIncomplete = new Metric({ namespace: METRIC_NAMESPACE, metricName: ROLLBACK_INCOMPLETE_METRIC, ...sum });
    this.rollbackIncomplete = add(
      'RollbackIncomplete',
      rollbackIncomplete,
      'A rollback gave up: resources it created are left behind (and bill). Its error cause lists them.',
    );

    if (props.deadLetterQueue) {
      add(
        'TagTriggerDeadLetters',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: ALARM_PERIOD }),
        'A tagged function did not get its workflow: EventBridge could not start the state machine; the message is in the dead-letter queue.',
      );
    }
    add('CatalogApiServerErrors', props.api.metricServerError(sum), 'The catalog API answered 5xx.');

    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      workflows: props.workflows,
      rollbackFunction: props.rollbackFunction,
      rollbackIncomplete,
      alarmNames,
    });

    // Later state machines (release, teardown) must not ship unobserved.
    this.node.addValidation({
      validate: () =>
        Stack.of(this)
          .node.findAll()
          .filter((construct): construct is StateMachine => construct instanceof StateMachine)
          .filter((machine) => !props.workflows.some((workflow) => workflow.stateMachine === machine))
          .map((machine) => `state machine ${machine.node.path} has no alarms: add it to the workflows of ${this.node.path}`),
    });
  }
}

function validateWorkflows(workflows: readonly ObservedWorkflow[]): void {
  if (workflows.length === 0) throw new Error('Observability needs at least one workflow (state machine) to watch');
  const names = workflows.map((workflow) => workflow.name);
  for (const name of names) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(name)) throw new Error(`workflow name ${JSON.stringify(name)} must be 1 to 40 letters and digits, starting with a letter`);
  }
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`workflow name ${duplicate} is used twice: give each state machine its own`);
}
