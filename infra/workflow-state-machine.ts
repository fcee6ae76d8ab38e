import { type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PROVISION_DEFINITION_PATH, placeholdersOf, readDefinitionText, taskOfPlaceholder } from '../statemachine/definition';
import { acknowledge } from './nag';

interface WorkflowStateMachineProps {
  /** The function of every task the definition names, by task name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** ASL file. @default statemachine/provision.asl.json */
  readonly definitionPath?: string;
  /** @default LogLevel.ERROR */
  readonly logLevel?: LogLevel;
  /** Log state input and output (can hold request details and resource ids). @default false */
  readonly includeExecutionData?: boolean;
  /** X-Ray tracing of executions. @default true */
  readonly tracing?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * One Standard workflow (provision, release or teardown) from the ASL file that also runs locally: every `${<Name>FunctionArn}` is
 * substituted with that task's function, and the role may invoke exactly those functions.
 */
export class WorkflowStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const definitionPath = props.definitionPath ?? PROVISION_DEFINITION_PATH;
    const substitutions = definitionSubstitutions(readDefinitionText(definitionPath), props.functions);

    this.logGroup = new LogGroup(this, 'Logs', {
      // Step Functions' vended-log delivery needs a /aws/vendedlogs/ name to keep its resource policy small.
      logGroupName: `/aws/vendedlogs/states/${this.node.addr}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const level = props.logLevel ?? LogLevel.ERROR;
    const tracing = props.tracing ?? true;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(definitionPath),
      definitionSubstitutions: substitutions.values,
      logs: { destination: this.logGroup, level, includeExecutionData: props.includeExecutionData ?? false },
      tracingEnabled: tracing,
    });
    // fromFile grants nothing: each task's function, and only those.
    for (const task of substitutions.tasks) props.functions[task]?.grantInvoke(this.stateMachine);

    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error('the state machine role has no policy: no task function was granted');
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      `CloudWatch Logs vended-log delivery (logs:CreateLogDelivery...)${tracing ? ' and X-Ray PutTraceSegments' : ''} support no resource-level permissions`,
    );
    for (const task of substitutions.tasks) {
      const resource = props.functions[task]?.node.defaultChild as CfnElement;
      const logicalId = Stack.of(this).resolve(Stack.of(this).getLogicalId(resource)) as string;
      acknowledge(policy, `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`, `invokes ${task} by any version or alias of that one function (grantInvoke)`);
    }
    if (level !== LogLevel.ALL) {
      acknowledge(
        this.stateMachine,
        'AwsSolutions-SF1',
        `logs ${level} by default: the execution history already records every state, and ALL would copy customer data into logs; set logLevel to ALL when needed`,
      );
    }
    if (!tracing) acknowledge(this.stateMachine, 'AwsSolutions-SF2', 'X-Ray tracing was turned off by the tracing prop');
  }
}

/**
 * `<Name>FunctionArn` for every `${...}` of the definition, each from the function of task `<Name>`. Fails
 * at synthesis, naming the placeholder, when the definition names something no function stands for.
 */
function definitionSubstitutions(
  definitionText: string,
  functions: Readonly<Record<string, IFunction>>,
): { values: Record<string, string>; tasks: string[] } {
  const values: Record<string, string> = {};
  const tasks: string[] = [];
  for (const placeholder of placeholdersOf(definitionText)) {
    const task = taskOfPlaceholder(placeholder);
    const fn = task ? functions[task] : undefined;
    if (!task || !fn) {
      throw new Error(`the definition uses \${${placeholder}}, and no task function stands for it: add the task to functions/shared/task-registry.ts or fix the definition`);
    }
    values[placeholder] = fn.functionArn;
    tasks.push(task);
  }
  return { values, tasks };
}
