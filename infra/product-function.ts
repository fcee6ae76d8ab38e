import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, type FunctionProps, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { prebundledCodeOf } from './function-code';
import { acknowledge, acknowledgeWildcards } from './nag';
import { FUNCTIONS_DIR } from './functions-dir';
import type { Grant } from './policy-builders';

/** Settings every function of the product shares. */
export interface ProductFunctionSettings {
  /**
   * Prefix of every function name (`<prefix>-<Name>`): lets the task roles deny themselves the product's own
   * functions by ARN. Letters, digits, `-` and `_`, at most 30 characters.
   */
  readonly functionNamePrefix: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** Powertools log level of the functions (POWERTOOLS_LOG_LEVEL). @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** X-Ray active tracing of the functions. @default true */
  readonly tracing?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Bundle the AWS SDK (the versions in package-lock.json) instead of using the one the Lambda runtime
   * provides: pins exactly what the tests ran, at ~1.7 MB per function and a much slower synthesis.
   * @default false
   */
  readonly bundleAwsSdk?: boolean;
}

interface ProductFunctionProps {
  /** `<Name>` of the function name and of the construct ids. */
  readonly name: string;
  /** Absolute path of the handler's TypeScript file (exports `handler`). */
  readonly entry: string;
  readonly timeoutSeconds: number;
  /** The function's own permissions, each with the reason for any wildcard in it. */
  readonly grants: readonly Grant[];
  /** Extra environment variables; the shared ones (Powertools, AWS_MAX_ATTEMPTS) cannot be overridden. */
  readonly environment?: Record<string, string>;
  /**
   * A state machine's Task runs it and retries its failures (statemachine/retry-policies.ts): the SDK then makes one
   * attempt per call (AWS_MAX_ATTEMPTS=1). Left false, the SDK's own retries apply (standard mode, 3 attempts:
   * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), as nothing else retries an API
   * answer or an EventBridge target's call.
   * @default false
   */
  readonly retriedByStateMachine?: boolean;
  readonly settings: ProductFunctionSettings;
}

/** Node 22 is what the handlers are type-checked (@types/node 22) and tested on, and what the probe runs. */
const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;
const POWERTOOLS_SERVICE_NAME = 'lambda-egress';

/**
 * A handler of functions/ as a Lambda function with its own role (only its grants plus its log group) and
 * its own log group. Bundled by the local esbuild: no Docker.
 */
export class ProductFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ProductFunctionProps) {
    super(scope, id);
    const { settings } = props;
    const functionName = `${settings.functionNamePrefix}-${props.name}`;
    if (functionName.length > 64) {
      throw new Error(`function name ${functionName} is ${functionName.length} characters; Lambda allows 64: shorten functionNamePrefix`);
    }

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: settings.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const grants: Grant[] = [
      ...props.grants,
      {
        statements: [new PolicyStatement({ sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] })],
        why: "the log streams of the function's own log group (named by Lambda at run time)",
      },
    ];
    const statements = grants.flatMap((grant) => grant.statements);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `lambda-egress ${props.name}: only the calls this function makes`,
      ...(statements.length > 0 ? { inlinePolicies: { Permissions: new PolicyDocument({ statements }) } } : {}),
    });
    acknowledgeWildcards(this.role, grants);

    const shared = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'AWS_MAX_ATTEMPTS', 'NODE_OPTIONS'];
    const clash = Object.keys(props.environment ?? {}).filter((key) => shared.includes(key));
    if (clash.length > 0) throw new Error(`${props.name}: environment ${clash.join(', ')} is set for every function; use the settings instead`);

    const tracing = settings.tracing ?? true;
    const common = {
      functionName,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySize ?? 256,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      tracing: tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: settings.logLevel ?? 'INFO',
        // One attempt per SDK call where a state machine retries: its Retry blocks back off visibly in the
        // execution history, bounded by the Task's time-out.
        ...(props.retriedByStateMachine ? { AWS_MAX_ATTEMPTS: '1' } : {}),
        NODE_OPTIONS: '--enable-source-maps',
      },
    } satisfies Omit<FunctionProps, 'code' | 'handler'>;
    const prebundled = prebundledCodeOf(FUNCTIONS_DIR, props.entry, { bundleAwsSdk: settings.bundleAwsSdk ?? false });
    this.function = prebundled
      ? new LambdaFunction(this, 'Function', { ...common, code: Code.fromAsset(prebundled), handler: 'index.handler' })
      : new NodejsFunction(this, 'Function', {
          ...common,
          entry: props.entry,
          handler: 'handler',
          bundling: {
            // The local esbuild (devDependency) bundles; Docker is never needed.
            forceDockerBundling: false,
            format: OutputFormat.CJS,
            target: 'node22',
            minify: true,
            sourceMap: true,
            // esbuild's per-file size listing adds nothing to a synth log; warnings and errors still show.
            logLevel: LogLevel.WARNING,
            // The runtime's AWS SDK v3 by default: small packages, fast synthesis (see bundleAwsSdk).
            externalModules: settings.bundleAwsSdk ? [] : ['@aws-sdk/*'],
          },
        });
    acknowledge(this.function, 'AwsSolutions-L1', 'nodejs22.x is the runtime the handlers are type-checked and tested on (and the probe runs); move with the toolchain');
    if (tracing) {
      const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
      if (defaultPolicy) acknowledge(defaultPolicy, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions');
    }
  }
}
