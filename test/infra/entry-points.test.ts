import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import tagRemovedEvent from '../../events/tag-removed-from-function.json';
import { NETWORK_PREFIX, REGISTRY_TABLE_ENV } from '../../functions/shared/registry/table';
import { TAG_REMOVED_PATTERN, TAG_TRIGGER_PATTERN } from '../../infra/tag-trigger-pattern';
import { FUNCTIONS_DIR } from '../../infra/functions-dir';
import { sdkActionsOf } from './sdk-calls';
import type { EntryPointsSynthesis } from '../support/entry-points-stack';
import { cachedTemplate } from '../support/synth-cache';
import { actionsOf, allowing, flat, renderInputTemplate, resourcesOf, statementsOfFunction, type Statement } from '../support/template-queries';

/**
 * The lifecycle's non-CLI entry points as constructs: the catalog API's DELETE routes and the tag removal
 * rule, in the stand-in stack of test/support/entry-points-stack.ts (cdk-nag's AwsSolutions pack its gate).
 */
const PREFIX = 'EntryPoints';
const HANDLERS = { ApiReleaseRequest: join(FUNCTIONS_DIR, 'api', 'delete-request.ts'), ApiTeardownNetwork: join(FUNCTIONS_DIR, 'api', 'delete-network.ts') };
/** Granted for the function itself, not for a call its code sends. */
const IMPLIED = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

type Synthesized = Omit<EntryPointsSynthesis, 'template'> & { readonly template: Template };
const STACK_SOURCE = require.resolve('../support/entry-points-stack');

/** The stand-in stack's template and logical ids, through the synthesis cache (only a synthesis that passed cdk-nag is stored). */
function synthesize(withLifecycle: boolean): Synthesized {
  const stored = cachedTemplate({
    name: 'entry-points',
    inputs: { prefix: PREFIX, withLifecycle },
    sources: [STACK_SOURCE],
    // Loaded on a miss only: a hit needs neither the construct library, cdk-nag nor the constructs' modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    synthesize: () => ({ ...(require(STACK_SOURCE) as typeof import('../support/entry-points-stack')).synthesizeEntryPoints(PREFIX, withLifecycle) }),
  }) as unknown as EntryPointsSynthesis;
  return { ...stored, template: Template.fromJSON(stored.template) };
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
