import { join } from 'node:path';
import { type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { IDEMPOTENCY_HEADER } from '../functions/api/requests';
import { acknowledge } from './nag';
import { ec2Describe, onTargetFunctions } from './policy-builders';
import { ProductFunction, type ProductFunctionSettings } from './product-function';
import { registryEnvironment, registryScan, type RegistryTableRef } from './registry-grants';
import { requestModelSchema } from './request-model';
import { FUNCTIONS_DIR } from './task-functions';

export interface CatalogApiProps {
  readonly stateMachine: StateMachine;
  /** The registry GET /networks reads. */
  readonly registryTable: RegistryTableRef;
  readonly settings: ProductFunctionSettings;
  /** Steady requests per second across the API (stage throttling). @default 10 */
  readonly throttlingRateLimit?: number;
  /** Burst across the API. @default 20 */
  readonly throttlingBurstLimit?: number;
  /** Requests per second that may start workflows (POST /requests), each of which can create NAT gateways. @default 2 */
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
}

/**
 * The HTTP API a self-service catalog calls, signed with SigV4 (IAM authorization):
 * - `POST /requests` with the request as the body (validated against statemachine/request.schema.json) and an
 *   `Idempotency-Key` header that becomes the execution name;
 * - `GET /requests/{id}`: status, current step, result or error, and the rollback report;
 * - `GET /networks`: the inventory (functions/inventory/list-networks.ts).
 */
export class CatalogApi extends Construct {
  readonly api: RestApi;
  readonly startFunction: ProductFunction;
  readonly statusFunction: ProductFunction;
  readonly networksFunction: ProductFunction;
  readonly methods: { readonly start: Method; readonly status: Method; readonly networks: Method };

  constructor(scope: Construct, id: string, props: CatalogApiProps) {
    super(scope, id);
    const rate = props.throttlingRateLimit ?? 10;
    const burst = props.throttlingBurstLimit ?? 20;
    const startRate = props.startRateLimit ?? 2;
    const startBurst = props.startBurstLimit ?? 5;
    for (const [name, value] of Object.entries({ throttlingRateLimit: rate, throttlingBurstLimit: burst, startRateLimit: startRate, startBurstLimit: startBurst })) {
      if (!(value > 0)) throw new Error(`CatalogApi ${name} must be a positive number, got ${value}`);
    }
    const environment = { STATE_MACHINE_ARN: props.stateMachine.stateMachineArn };

    this.startFunction = new ProductFunction(this, 'Start', {
      name: 'ApiStartRequest',
      entry: join(FUNCTIONS_DIR, 'api', 'start-request.ts'),
      timeoutSeconds: 10,
      grants: [],
      environment,
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
      entry: join(FUNCTIONS_DIR, 'api', 'list-networks.ts'),
      timeoutSeconds: 29,
      grants: [registryScan(props.registryTable), ec2Describe('DescribeVpcs', 'DescribeNatGateways'), onTargetFunctions('ReadMemberFunctions', ['lambda:GetFunctionConfiguration'])],
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
        methodOptions: { '/requests/POST': { throttlingRateLimit: startRate, throttlingBurstLimit: startBurst } },
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
      templates: { 'application/json': '{"message":"the body does not match statemachine/request.schema.json: $util.escapeJavaScript($context.error.validationErrorString)"}' },
    });

    const model = new Model(this, 'RequestModel', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'statemachine/request.schema.json as JSON Schema draft-04',
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
    const status = requests.addResource('{id}').addMethod('GET', new LambdaIntegration(this.statusFunction.function), {
      requestValidator: validateParameters,
      requestParameters: { 'method.request.path.id': true },
    });
    const networks = this.api.root.addResource('networks').addMethod('GET', new LambdaIntegration(this.networksFunction.function));
    this.methods = { start, status, networks };

    for (const method of [start, status, networks]) {
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

function logicalIdOf(construct: Construct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).resolve(Stack.of(construct).getLogicalId(resource)) as string;
}
