import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { REGISTRY_TABLE_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT } from '../functions/shared/stack-names';
import { RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from '../statemachine/definition';
import { PROBE_FUNCTION_PREFIX } from '../functions/shared/tags';
import { CatalogApi } from './catalog-api';
import { Observability } from './observability';
import { ProbeRole } from './probe-role';
import type { ProductFunctionSettings } from './product-function';
import { WorkflowStateMachine } from './workflow-state-machine';
import { RegistryTable } from './registry-table';
import { StaleLockRelease } from './stale-lock-release';
import { TagTrigger } from './tag-trigger';
import { ENI_CLEANUP_TASKS, TaskFunctions } from './task-functions';
import { EniCleanupRole, eniCleanupRoleArn } from './eni-cleanup-role';
import { checkTargetScope, type TargetFunctions, type TargetRoles } from '../functions/shared/target-scope';

/** The output naming the catalog API's base URL (`.../v1/`). */
export const API_URL_OUTPUT = 'ApiUrl';
export { REGISTRY_TABLE_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT };

/** The props of the `LambdaEgress` construct (and of `LambdaEgressStack`, which adds the stack's own). */
export interface LambdaEgressProps {
  /**
   * Prefix of every function the stack deploys (`<prefix>-<Task>`): the task roles deny themselves changes to
   * functions of that name. Letters, digits, `-`, `_`; at most 30 characters.
   * @default the stack name
   */
  readonly functionNamePrefix?: string;
  /** Memory of every task function, in MB. @default 256 */
  readonly memorySize?: number;
  /** POWERTOOLS_LOG_LEVEL of the functions. @default 'INFO' */
  readonly functionLogLevel?: ProductFunctionSettings['logLevel'];
  /** State machine log level. @default LogLevel.ERROR */
  readonly stateMachineLogLevel?: LogLevel;
  /** Log state input/output in the state machine's logs (may hold request details). @default false */
  readonly includeExecutionData?: boolean;
  /** X-Ray tracing of the state machine, the functions and the API. @default true */
  readonly tracing?: boolean;
  /** Bundle the AWS SDK from package-lock.json instead of the runtime's (slower synthesis, ~1.7 MB per function). @default false */
  readonly bundleAwsSdk?: boolean;
  /** Retention of every log group. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Start the workflow when a function gets the tag lambda-egress:network. @default true */
  readonly tagTrigger?: boolean;
  /** The catalog API's steady and burst request rates (all methods); POST /requests has its own, lower ones. @default 10 / 20 */
  readonly apiThrottling?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Let the stack create API Gateway's CloudWatch role and set it as the account's, replacing any role already
   * set (account- and region-wide). Off, the catalog API's access and error logs are delivered only if the
   * account already has that role (API Gateway refuses to deploy a logging stage otherwise).
   * @default false
   */
  readonly apiCloudWatchRole?: boolean;
  /** Receives every alarm's ALARM notification (README.md, Observe). @default none: the alarms exist without actions */
  readonly alarmTopic?: ITopic;
  /**
   * The functions lambda-egress may change (docs/who-may-ask.md): name wildcards and/or a required tag. The task
   * roles' Lambda statements are narrowed to them and ValidateRequest refuses any other (FunctionNotAllowed).
   * Also read from the cdk.json context `lambda-egress:scope`, which `lambda-egress --local` applies too.
   * @default every function of the account and region but the product's own
   */
  readonly targetFunctions?: TargetFunctions;
  /**
   * The execution roles whose AWSLambdaVPCAccessExecutionRole attachment lambda-egress may change: role wildcards.
   * @default every role of the account (only that one policy, by iam:PolicyARN)
   */
  readonly targetRoles?: TargetRoles;
  /**
   * The catalog API asks IAM (iam:SimulatePrincipalPolicy) whether its caller may itself
   * lambda:UpdateFunctionConfiguration the function before it starts the workflow, and answers 403 if not.
   * @default true
   */
  readonly callerCheck?: boolean;
}

/** The props of `LambdaEgressStack`: the construct's and a stack's. */
export interface LambdaEgressStackProps extends StackProps, LambdaEgressProps {}

/**
 * lambda-egress in a stack of your own: the registry, task functions, the provisioning, release and teardown
 * state machines, the tag trigger, the catalog API, and their alarms and dashboard, with the stack outputs the
 * CLI reads. One per stack (the outputs have fixed names).
 */
export class LambdaEgress extends Construct {
  readonly registry: RegistryTable;
  readonly staleLocks: StaleLockRelease;
  readonly taskFunctions: TaskFunctions;
  readonly provision: WorkflowStateMachine;
  /** The release of one function (statemachine/release.asl.json). */
  readonly release: WorkflowStateMachine;
  /** The teardown of an unused network (statemachine/teardown.asl.json). */
  readonly teardown: WorkflowStateMachine;
  readonly api: CatalogApi;
  readonly tagTrigger?: TagTrigger;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: LambdaEgressProps = {}) {
    super(scope, id);
    const functionNamePrefix = props.functionNamePrefix ?? Stack.of(this).stackName;
    validatePrefix(functionNamePrefix);
    if (props.stateMachineLogLevel === LogLevel.OFF) {
      throw new Error('stateMachineLogLevel OFF would silence the RollbackIncomplete alarm, which reads ExecutionFailed events from the log: use FATAL, ERROR or ALL');
    }
    const targetScope = checkTargetScope({ targetFunctions: props.targetFunctions, targetRoles: props.targetRoles }, 'LambdaEgressStack props');
    const settings: ProductFunctionSettings = {
      functionNamePrefix,
      ...(props.memorySize !== undefined ? { memorySize: props.memorySize } : {}),
      ...(props.functionLogLevel !== undefined ? { logLevel: props.functionLogLevel } : {}),
      ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
      ...(props.bundleAwsSdk !== undefined ? { bundleAwsSdk: props.bundleAwsSdk } : {}),
    };

    this.registry = new RegistryTable(this, 'Registry');
    const registryTable = { tableName: this.registry.table.tableName, tableArn: this.registry.table.tableArn };
    const probeRole = new ProbeRole(this, 'ProbeRole');
    this.taskFunctions = new TaskFunctions(this, 'Tasks', { ...settings, probeRoleArn: probeRole.role.roleArn, registryTable, eniCleanupRoleArn: eniCleanupRoleArn(functionNamePrefix), scope: targetScope });
    new EniCleanupRole(this, 'EniCleanup', { functionNamePrefix, trustedRoles: ENI_CLEANUP_TASKS.map((task) => this.taskFunctions.byTask[task].role) });
    const workflowSettings = {
      functions: this.taskFunctions.functions,
      ...(props.stateMachineLogLevel !== undefined ? { logLevel: props.stateMachineLogLevel } : {}),
      ...(props.includeExecutionData !== undefined ? { includeExecutionData: props.includeExecutionData } : {}),
      ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
    };
    this.provision = new WorkflowStateMachine(this, 'Provision', workflowSettings);
    this.release = new WorkflowStateMachine(this, 'Release', { ...workflowSettings, definitionPath: RELEASE_DEFINITION_PATH });
    this.teardown = new WorkflowStateMachine(this, 'Teardown', { ...workflowSettings, definitionPath: TEARDOWN_DEFINITION_PATH });
    this.staleLocks = new StaleLockRelease(this, 'StaleLocks', { stateMachines: [this.provision.stateMachine, this.release.stateMachine, this.teardown.stateMachine], table: registryTable, settings });
    if (props.tagTrigger ?? true) this.tagTrigger = new TagTrigger(this, 'TagTrigger', { stateMachine: this.provision.stateMachine, releaseStateMachine: this.release.stateMachine });
    this.api = new CatalogApi(this, 'Catalog', {
      stateMachine: this.provision.stateMachine,
      releaseStateMachine: this.release.stateMachine,
      teardownStateMachine: this.teardown.stateMachine,
      registryTable,
      settings,
      ...(props.apiThrottling ? { throttlingRateLimit: props.apiThrottling.rateLimit, throttlingBurstLimit: props.apiThrottling.burstLimit } : {}),
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
      ...(props.apiCloudWatchRole !== undefined ? { cloudWatchRole: props.apiCloudWatchRole } : {}),
      ...(props.callerCheck !== undefined ? { callerCheck: props.callerCheck } : {}),
    });

    this.observability = new Observability(this, 'Observe', {
      workflows: [
        { name: 'Provision', stateMachine: this.provision.stateMachine, logGroup: this.provision.logGroup },
        { name: 'Release', stateMachine: this.release.stateMachine, logGroup: this.release.logGroup },
        { name: 'Teardown', stateMachine: this.teardown.stateMachine, logGroup: this.teardown.logGroup },
      ],
      rollbackFunction: this.taskFunctions.functions.Rollback,
      api: this.api.api,
      ...(this.tagTrigger ? { deadLetterQueue: this.tagTrigger.deadLetterQueue } : {}),
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });

    new CfnOutput(this, STATE_MACHINE_OUTPUT, {
      value: this.provision.stateMachine.stateMachineArn,
      description: 'The provisioning state machine: aws stepfunctions start-execution --state-machine-arn <this> --input <request>',
    });
    new CfnOutput(this, RELEASE_STATE_MACHINE_OUTPUT, {
      value: this.release.stateMachine.stateMachineArn,
      description: 'The release state machine: start-execution --input {"functionName":"<name or ARN>","teardownIfUnused":false}',
    });
    new CfnOutput(this, TEARDOWN_STATE_MACHINE_OUTPUT, {
      value: this.teardown.stateMachine.stateMachineArn,
      description: 'The teardown state machine: start-execution --input {"network":"<name>"}',
    });
    new CfnOutput(this, API_URL_OUTPUT, { value: this.api.api.url, description: 'Catalog API base URL: POST requests, GET and DELETE requests/{id}, GET networks, DELETE networks/{name} (SigV4)' });
    new CfnOutput(this, REGISTRY_TABLE_OUTPUT, { value: this.registry.table.tableName, description: 'The registry of networks, members and locks: lambda-egress networks reads it' });
  }
}

/**
 * The `LambdaEgress` construct as a stack of its own (what `npx cdk deploy` deploys). The construct's id is
 * `Default`, which CDK leaves out of logical ids and addresses: a stack deployed before the construct existed
 * keeps every resource.
 */
export class LambdaEgressStack extends Stack {
  readonly egress: LambdaEgress;

  constructor(scope: Construct, id: string, props: LambdaEgressStackProps = {}) {
    super(scope, id, props);
    this.egress = new LambdaEgress(this, 'Default', props);
  }
}

function validatePrefix(prefix: string): void {
  if (!/^[A-Za-z0-9_-]{1,30}$/.test(prefix)) {
    throw new Error(`functionNamePrefix must be 1 to 30 letters, digits, '-' or '_' (got ${JSON.stringify(prefix)}); pass a shorter or plainer one`);
  }
  if (`${PROBE_FUNCTION_PREFIX}-`.startsWith(`${prefix}-`)) {
    throw new Error(`functionNamePrefix ${prefix} would cover the probe functions (${PROBE_FUNCTION_PREFIX}-*), which EnsureProbeFunction must change; choose another`);
  }
}
