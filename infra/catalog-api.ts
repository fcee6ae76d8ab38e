import { join } from 'node:path';
import { Arn, ArnFormat, type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  RequestValidator,
  ResponseType,
  RestApi,
  type JsonSchema,
  type Method,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { IDEMPOTENCY_HEADER, RELEASE_STATE_MACHINE_ENV, PROVISION_STATE_MACHINE_ENV, TEARDOWN_STATE_MACHINE_ENV } from '../functions/api/requests';
import { NETWORK_PREFIX } from '../functions/shared/registry/table';
import { acknowledge } from './nag';
import { ec2Describe, onTargetFunctions, simulateCallerPolicies, type Grant } from './policy-builders';
import { CALLER_CHECK_ENV } from '../functions/api/caller-check';
import { ProductFunction, type ProductFunctionSettings } from './product-function';
import { registryEnvironment, registryItems, registryScan, type RegistryTableRef } from './registry-grants';
import { requestModelSchema } from './request-model';
import { FUNCTIONS_DIR } from './task-functions';

interface CatalogApiProps {
  readonly stateMachine: StateMachine;
  /** The release workflow: `DELETE /requests/{id}` starts it (absent: no such route). */
  readonly releaseStateMachine?: IStateMachine;
  /** The teardown workflow: `DELETE /networks/{name}` starts it (absent: no such route). */
  readonly teardownStateMachine?: IStateMachine;
  /** The registry GET /networks reads (and DELETE /networks/{name} looks the network up in). */
  readonly registryTable: RegistryTableRef;
  readonly settings: ProductFunctionSettings;
  /** Steady requests per second across the API (stage throttling). @default 10 */
  readonly throttlingRateLimit?: number;
  /** Burst across the API. @default 20 */
  readonly throttlingBurstLimit?: number;
  /** Requests per second that may start workflows (POST /requests, the DELETEs), each of which can create or delete NAT gateways. @default 2 */
  readonly startRateLimit?: number;
  /** @default 5 */
  readonly startBurstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Create API Gateway's CloudWatch role and set it as the account's (an account- and region-wide setting that
   * replaces any role already there). Off, the stage's access and error logs need that role to exist already.
   * @default false
   */
  readonly cloudWatchRole?: boolean;
  /** Check with IAM that the caller may change the function before POST /requests starts the workflow (docs/who-may-ask.md). @default true */
  readonly callerCheck?: boolean;
}

/**
 * The HTTP API a self-service catalog calls, signed with SigV4 (IAM authorization):
 * - `POST /requests` with the request as the body (validated against functions/shared/request.schema.json) and an
 *   `Idempotency-Key` header that becomes the execution name;
 * - `GET /requests/{id}`: status, current step, result or error, and the rollback report;
 * - `GET /networks`: the inventory (functions/inventory/list-networks.ts);
 * - given the release and teardown state machines, `DELETE /requests/{id}` (release the function that request
 *   provisioned) and `DELETE /networks/{name}` (tear the network down), each under an execution name derived
 *   from the path, so a repeated DELETE answers the workflow it already started.
 */
export class CatalogApi extends Construct {
  readonly api: RestApi;
  readonly startFunction: ProductFunction;
  readonly statusFunction: ProductFunction;
  readonly networksFunction: ProductFunction;
  readonly releaseFunction?: ProductFunction;
  readonly teardownFunction?: ProductFunction;
  readonly methods: { readonly start: Method; readonly status: Method; readonly networks: Method; readonly release?: Method; readonly teardown?: Method };

  constructor(scope: Construct, id: string, props: CatalogApiProps) {
    super(scope, id);
    const rate = props.throttlingRateLimit ?? 10;
    const burst = props.throttlingBurstLimit ?? 20;
    const startRate = props.startRateLimit ?? 2;
    const startBurst = props.startBurstLimit ?? 5;
    for (const [name, value] of Object.entries({ throttlingRateLimit: rate, throttlingBurstLimit: burst, startRateLimit: startRate, startBurstLimit: startBurst })) {
      if (!(value > 0)) throw new Error(`CatalogApi ${name} must be a positive number, got ${value}`);
    }
    const environment = { [PROVISION_STATE_MACHINE_ENV]: props.stateMachine.stateMachineArn };

    this.startFunction = new ProductFunction(this, 'Start', {
      name: 'ApiStartRequest',
      entry: join(FUNCTIONS_DIR, 'api', 'start-request.ts'),
      timeoutSeconds: 10,
      grants: props.callerCheck === false ? [] : [simulateCallerPolicies()],
      environment: { ...environment, [CALLER_CHECK_ENV]: props.callerCheck === false ? 'off' : 'on' },
      settings: props.settings,
    });
    props.stateMachine.grantStartExecution(this.startFunction.function);
    props.stateMachine.grantExecution(this.startFunction.function, 'states:DescribeExecution');

    this.statusFunction = new ProductFunction(this, 'Status', {
      name: 'ApiGetRequest',
      entry: join(FUNCTIONS_DIR, 'api', 'get-request.ts'),
      timeoutSeconds: 15,
      grants: [],
      environment,
      settings: props.settings,
    });
    props.stateMachine.grantExecution(this.statusFunction.function, 'states:DescribeExecution', 'states:GetExecutionHistory');
    for (const fn of [this.startFunction, this.statusFunction]) {
      const policy = fn.role.node.tryFindChild('DefaultPolicy');
      if (!policy) throw new Error(`${fn.node.path} got no Step Functions permission`);
      acknowledge(
        policy,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(props.stateMachine)}"}]}]}:*]`,
        'the executions of this one state machine: their names are the idempotency keys the catalog chooses',
      );
    }

    this.networksFunction = new ProductFunction(this, 'Networks', {
      name: 'ApiListNetworks',
      entry: join(FUNCTIONS_DIR, 'api', 'get-networks.ts'),
      timeoutSeconds: 29,
      grants: [registryScan(props.registryTable), ec2Describe('DescribeVpcs', 'DescribeNatGateways', 'DescribeNetworkInterfaces', 'DescribeSubnets', 'DescribeAddresses', 'DescribeAvailabilityZones'), onTargetFunctions('ReadMemberFunctions', ['lambda:GetFunctionConfiguration'])],
      environment: registryEnvironment(props.registryTable),
      settings: props.settings,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new RestApi(this, 'Api', {
      description: 'lambda-egress: self-service requests for Lambda internet egress (SigV4-signed)',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution and access logging need API Gateway's account-level CloudWatch role: replacing it is an
      // account-wide change, made only when the stack is asked to (see infra/README.md, apiCloudWatchRole).
      cloudWatchRole: props.cloudWatchRole ?? false,
      ...(props.cloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
        methodOptions: Object.fromEntries(
          ['/requests/POST', ...(props.releaseStateMachine ? ['/requests/{id}/DELETE'] : []), ...(props.teardownStateMachine ? ['/networks/{name}/DELETE'] : [])].map((path) => [
            path,
            { throttlingRateLimit: startRate, throttlingBurstLimit: startBurst },
          ]),
        ),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: props.settings.tracing ?? true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });

    // The stack's ApiUrl output names the URL; RestApi's own Endpoint output would repeat it.
    this.api.node.tryRemoveChild('Endpoint');

    // API Gateway's default answer to an invalid body is "Invalid request body"; say which rule failed (its
    // message quotes values, hence the escaping).
    this.api.addGatewayResponse('InvalidBody', {
      type: ResponseType.BAD_REQUEST_BODY,
      templates: { 'application/json': '{"message":"the body does not match functions/shared/request.schema.json: $util.escapeJavaScript($context.error.validationErrorString)"}' },
    });

    const model = new Model(this, 'RequestModel', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'functions/shared/request.schema.json as JSON Schema draft-04',
      schema: requestModelSchema() as JsonSchema,
    });
    const validateBody = new RequestValidator(this, 'BodyValidator', { restApi: this.api, validateRequestBody: true, validateRequestParameters: true });
    const validateParameters = new RequestValidator(this, 'ParameterValidator', { restApi: this.api, validateRequestParameters: true });

    const requests = this.api.root.addResource('requests');
    const start = requests.addMethod('POST', new LambdaIntegration(this.startFunction.function), {
      requestValidator: validateBody,
      requestModels: { 'application/json': model },
      requestParameters: { [`method.request.header.${IDEMPOTENCY_HEADER}`]: true },
    });
    const request = requests.addResource('{id}');
    const status = request.addMethod('GET', new LambdaIntegration(this.statusFunction.function), {
      requestValidator: validateParameters,
      requestParameters: { 'method.request.path.id': true },
    });
    const networkList = this.api.root.addResource('networks');
    const networks = networkList.addMethod('GET', new LambdaIntegration(this.networksFunction.function));

    let release: Method | undefined;
    if (props.releaseStateMachine) {
      this.releaseFunction = new ProductFunction(this, 'Release', {
        name: 'ApiReleaseRequest',
        entry: join(FUNCTIONS_DIR, 'api', 'delete-request.ts'),
        timeoutSeconds: 10,
        grants: [
          readExecutions('ReadProvisionExecutions', props.stateMachine, 'the provision execution named after the request'),
          startExecutions('StartRelease', props.releaseStateMachine, 'the release execution named after the request'),
        ],
        environment: { ...environment, [RELEASE_STATE_MACHINE_ENV]: props.releaseStateMachine.stateMachineArn },
        settings: props.settings,
      });
      release = request.addMethod('DELETE', new LambdaIntegration(this.releaseFunction.function), {
        requestValidator: validateParameters,
        requestParameters: { 'method.request.path.id': true },
      });
    }
    let teardown: Method | undefined;
    if (props.teardownStateMachine) {
      this.teardownFunction = new ProductFunction(this, 'Teardown', {
        name: 'ApiTeardownNetwork',
        // Up to MAX_TEARDOWN_ATTEMPTS DescribeExecution calls; API Gateway stops waiting after 29 s anyway.
        entry: join(FUNCTIONS_DIR, 'api', 'delete-network.ts'),
        timeoutSeconds: 29,
        grants: [
          startExecutions('StartTeardown', props.teardownStateMachine, 'the teardown executions named after the network'),
          registryItems('RegistryReadNetwork', ['GetItem'], props.registryTable, [NETWORK_PREFIX]),
        ],
        environment: { [TEARDOWN_STATE_MACHINE_ENV]: props.teardownStateMachine.stateMachineArn, ...registryEnvironment(props.registryTable) },
        settings: props.settings,
      });
      teardown = networkList.addResource('{name}').addMethod('DELETE', new LambdaIntegration(this.teardownFunction.function), {
        requestValidator: validateParameters,
        requestParameters: { 'method.request.path.name': true },
      });
    }
    this.methods = { start, status, networks, ...(release ? { release } : {}), ...(teardown ? { teardown } : {}) };

    for (const method of [start, status, networks, ...(release ? [release] : []), ...(teardown ? [teardown] : [])]) {
      acknowledge(method, 'AwsSolutions-COG4', 'IAM (SigV4) authorization: the catalog backend calls with its own AWS role, no end-user pool is involved');
    }
    acknowledge(
      this.api.deploymentStage,
      'AwsSolutions-APIG3',
      'IAM-authorized API for one catalog backend, throttled per stage and per method; attach a WAF web ACL in front if the API is exposed more widely',
    );
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledge(
        cloudWatchRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        "API Gateway's account-level logging role uses the AWS managed policy made for it (logs only)",
      );
    }
  }
}

/** StartExecution on one state machine, and DescribeExecution of its executions (a repeated start answers the existing one). */
function startExecutions(sid: string, stateMachine: IStateMachine, what: string): Grant {
  const read = readExecutions(`${sid}Read`, stateMachine, what);
  return {
    statements: [new PolicyStatement({ sid, actions: ['states:StartExecution'], resources: [stateMachine.stateMachineArn] }), ...read.statements],
    why: read.why,
  };
}

/** DescribeExecution of the executions of one state machine: `execution:<machine name>:*`, as CDK's grantExecution writes it. */
function readExecutions(sid: string, stateMachine: IStateMachine, what: string): Grant {
  const machineName = Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
  const executions = Stack.of(stateMachine).formatArn({ service: 'states', resource: 'execution', arnFormat: ArnFormat.COLON_RESOURCE_NAME, resourceName: `${machineName}:*` });
  return {
    statements: [new PolicyStatement({ sid, actions: ['states:DescribeExecution'], resources: [executions] })],
    why: `the executions of this one state machine (${what}): their names are known only at run time`,
  };
}

function logicalIdOf(construct: Construct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).resolve(Stack.of(construct).getLogicalId(resource)) as string;
}
