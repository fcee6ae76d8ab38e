import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import tagRemovedEvent from '../../events/tag-removed-from-function.json';
import { NETWORK_PREFIX, REGISTRY_TABLE_ENV } from '../../functions/shared/registry/table';
import { CatalogApi } from '../../infra/catalog-api';
import { RegistryTable } from '../../infra/registry-table';
import { TagTrigger } from '../../infra/tag-trigger';
import { TAG_REMOVED_PATTERN, TAG_TRIGGER_PATTERN } from '../../infra/tag-trigger-pattern';
import { acknowledge } from '../../infra/nag';
import { FUNCTIONS_DIR } from '../../infra/task-functions';
import { sdkActionsOf } from './sdk-calls';
import { cachedTemplate } from '../support/synth-cache';
import { actionsOf, allowing, flat, renderInputTemplate, resourcesOf, statementsOfFunction, type Statement } from '../support/template-queries';

/**
 * The lifecycle's non-CLI entry points as constructs: the catalog API's DELETE routes and the tag removal
 * rule, given a release and a teardown state machine (any: these are stand-ins, the stack wires the real
 * ones). Synthesized with cdk-nag's AwsSolutions pack as the gate, as infra/app.ts does: synthesis throws on
 * any unacknowledged finding.
 */
const PREFIX = 'EntryPoints';
const HANDLERS = { ApiReleaseRequest: join(FUNCTIONS_DIR, 'api', 'delete-request.ts'), ApiTeardownNetwork: join(FUNCTIONS_DIR, 'api', 'delete-network.ts') };
/** Granted for the function itself, not for a call its code sends. */
const IMPLIED = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

function workflow(scope: Stack, id: string): StateMachine {
  // Logged and traced, so cdk-nag's only finding in a stand-in is its role's log delivery and X-Ray wildcard.
  const machine = new StateMachine(scope, id, {
    definitionBody: DefinitionBody.fromChainable(new Pass(scope, `${id}Done`)),
    logs: { destination: new LogGroup(scope, `${id}Logs`), level: LogLevel.ALL },
    tracingEnabled: true,
  });
  const policy = machine.role.node.tryFindChild('DefaultPolicy');
  if (policy) acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', "a test stand-in workflow's log delivery and X-Ray calls, which have no resource-level permissions");
  return machine;
}

interface Synthesized {
  readonly template: Template;
  readonly machines: Record<'provision' | 'release' | 'teardown', string>;
  readonly tableId: string;
}

/** The stand-in stack's template and logical ids, through the synthesis cache (only a synthesis that passed cdk-nag is stored). */
function synthesize(withLifecycle: boolean): Synthesized {
  const stored = cachedTemplate({ name: 'entry-points', inputs: { withLifecycle }, sources: [__filename], synthesize: () => build(withLifecycle) }) as Omit<Synthesized, 'template'> & { template: Record<string, unknown> };
  return { ...stored, template: Template.fromJSON(stored.template) };
}

function build(withLifecycle: boolean): { template: Record<string, unknown>; machines: Synthesized['machines']; tableId: string } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, PREFIX);
  const provision = workflow(stack, 'Provision');
  const release = workflow(stack, 'Release');
  const teardown = workflow(stack, 'Teardown');
  const registry = new RegistryTable(stack, 'Registry');
  const registryTable = { tableName: registry.table.tableName, tableArn: registry.table.tableArn };
  new CatalogApi(stack, 'Catalog', {
    stateMachine: provision,
    registryTable,
    settings: { functionNamePrefix: PREFIX },
    ...(withLifecycle ? { releaseStateMachine: release, teardownStateMachine: teardown } : {}),
  });
  new TagTrigger(stack, 'TagTrigger', { stateMachine: provision, ...(withLifecycle ? { releaseStateMachine: release } : {}) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const template = assembly.getStackByName(PREFIX).template as Record<string, unknown>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string;
  return { template, machines: { provision: idOf(provision), release: idOf(release), teardown: idOf(teardown) }, tableId: idOf(registry.table) };
}

let built: ReturnType<typeof synthesize>;
beforeAll(() => {
  built = synthesize(true);
}, 300_000);

const statesStatements = (name: string): Statement[] => statementsOfFunction(built.template, `${PREFIX}-${name}`).filter((statement) => actionsOf(statement).some((action) => action.startsWith('states:')));
const executionsOf = (machineId: string) => `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: machineId }] }] })}:*`;

function deleteMethod(pathPart: string): Record<string, unknown> {
  const resourceIds = Object.keys(built.template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } }));
  const found = Object.values(built.template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'DELETE' } })).filter((method) =>
    resourceIds.includes((method.Properties.ResourceId as { Ref?: string }).Ref ?? ''),
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties as Record<string, unknown>;
}

describe('catalog API DELETE routes', () => {
  it('offers DELETE /requests/{id} and DELETE /networks/{name}, SigV4 (IAM) authorized, the path parameter required and validated', () => {
    for (const [pathPart, parameter] of [['{id}', 'id'], ['{name}', 'name']] as const) {
      const method = deleteMethod(pathPart);
      expect([pathPart, method.AuthorizationType, method.RequestParameters]).toEqual([pathPart, 'AWS_IAM', { [`method.request.path.${parameter}`]: true }]);
      const validatorId = (method.RequestValidatorId as { Ref: string }).Ref;
      expect(built.template.toJSON().Resources[validatorId].Properties).toEqual(expect.objectContaining({ ValidateRequestParameters: true }));
      expect(method.Integration).toEqual(expect.objectContaining({ Type: 'AWS_PROXY' }));
    }
  });

  it('throttles both DELETEs like POST /requests: they start workflows', () => {
    built.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: 'POST', ResourcePath: '/~1requests', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 }),
        Match.objectLike({ HttpMethod: 'DELETE', ResourcePath: '/~1requests~1{id}', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 }),
        Match.objectLike({ HttpMethod: 'DELETE', ResourcePath: '/~1networks~1{name}', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 }),
      ]),
    });
  });

  it('lets DELETE /requests/{id} read provision executions and start (or read) releases, and nothing else of Step Functions', () => {
    const { provision, release } = built.machines;
    const statements = statesStatements('ApiReleaseRequest');
    expect(allowing(statements, 'states:StartExecution').flatMap(resourcesOf)).toEqual([{ Ref: release }]);
    expect(allowing(statements, 'states:DescribeExecution').flatMap(resourcesOf).map(flat).sort()).toEqual([executionsOf(provision), executionsOf(release)].sort());
    expect([...new Set(statements.flatMap(actionsOf))].sort()).toEqual(['states:DescribeExecution', 'states:StartExecution']);
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${PREFIX}-ApiReleaseRequest`,
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: { Ref: provision }, RELEASE_STATE_MACHINE_ARN: { Ref: release } }) },
    });
  });

  it('lets DELETE /networks/{name} start (or read) teardowns and read network records of the registry only', () => {
    const { teardown } = built.machines;
    const statements = statementsOfFunction(built.template, `${PREFIX}-ApiTeardownNetwork`);
    expect(allowing(statements, 'states:StartExecution').flatMap(resourcesOf)).toEqual([{ Ref: teardown }]);
    expect(allowing(statements, 'states:DescribeExecution').flatMap(resourcesOf).map(flat)).toEqual([executionsOf(teardown)]);
    expect(statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [built.tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${NETWORK_PREFIX}*`] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      }),
    ]);
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${PREFIX}-ApiTeardownNetwork`,
      Environment: { Variables: Match.objectLike({ TEARDOWN_STATE_MACHINE_ARN: { Ref: teardown }, [REGISTRY_TABLE_ENV]: { Ref: built.tableId } }) },
    });
  });

  it.each(Object.entries(HANDLERS))("%s's role allows exactly the AWS calls its code can send", (name, entry) => {
    const called = sdkActionsOf(entry);
    const allowed = statementsOfFunction(built.template, `${PREFIX}-${name}`).filter((statement) => statement.Effect === 'Allow').flatMap(actionsOf);
    expect([...called].filter((action) => !allowed.includes(action))).toEqual([]);
    expect(allowed.filter((action) => !called.has(action) && !IMPLIED.has(action))).toEqual([]);
  });

  it('has no DELETE route, and no function for one, without the release and teardown state machines', () => {
    const { template } = synthesize(false);
    expect(Object.keys(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'DELETE' } }))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: Match.stringLikeRegexp('ApiReleaseRequest|ApiTeardownNetwork') } }))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: JSON.parse(JSON.stringify(TAG_REMOVED_PATTERN)) } }))).toEqual([]);
  }, 300_000);
});

describe('tag removal rule', () => {
  const rules = () => built.template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.tag'] } } });

  it('matches the removal of lambda-egress:network from a function, beside the add rule', () => {
    const patterns = Object.values(rules()).map((rule) => rule.Properties.EventPattern);
    expect(patterns).toEqual(expect.arrayContaining([JSON.parse(JSON.stringify(TAG_REMOVED_PATTERN)), JSON.parse(JSON.stringify(TAG_TRIGGER_PATTERN))]));
    expect(patterns).toHaveLength(2);
  });

  it("starts the release with the function's ARN, retried and dead-lettered like the add rule", () => {
    const targetsOf = (pattern: object) =>
      (Object.values(rules()).find((rule) => JSON.stringify(rule.Properties.EventPattern) === JSON.stringify(pattern))?.Properties.Targets ?? []) as Array<Record<string, unknown>>;
    const [target, ...others] = targetsOf(TAG_REMOVED_PATTERN);
    const [addTarget] = targetsOf(TAG_TRIGGER_PATTERN);
    expect(others).toEqual([]);
    expect(target?.Arn).toEqual({ Ref: built.machines.release });
    expect(target?.DeadLetterConfig).toEqual(addTarget?.DeadLetterConfig);
    expect(target?.RetryPolicy).toEqual(addTarget?.RetryPolicy);
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
    const transformer = target?.InputTransformer as { InputPathsMap: Record<string, string>; InputTemplate: string };
    expect(JSON.parse(renderInputTemplate(transformer, tagRemovedEvent))).toEqual({ functionName: tagRemovedEvent.resources[0] });
  });
});
