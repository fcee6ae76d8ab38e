import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, paginateListStackResources, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_STACK_NAME } from '../../functions/shared/stack-names';
import { API_URL_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT } from '../../infra/lambda-egress-stack';
import { isProcessAlive, type MotoServer } from '../../local/moto-server';
import { PROJECT_ROOT, runCdk, type CdkRun } from './cdk-cli';
import { MOTO_SKIPS, everyPlaceholder, referencedLogicalId, resolvePseudoSub, type CfnTemplate } from './deployed-template';
import { DEPLOY_REGION, DUMMY_CREDENTIALS, MOTO_ACCOUNT, cdkEnvironmentFor, startMotoForCloudFormation } from './moto-for-cloudformation';

/**
 * The stack as `npx cdk deploy` deploys it, into a moto server of its own: bootstrap, deploy
 * (--method=direct), then read back what moto made of it.
 *
 * moto is NOT CloudFormation. It enforces no IAM, checks no property it does not model, skips several resource
 * types (MOTO_SKIPS) and drops settings it does not keep (MOTO_DROPS). A green run proves the template
 * deploys as far as moto models it: every resource moto knows is created, wired to the others, and each state
 * machine's definition resolves to deployed functions. Only a deploy to AWS proves the rest.
 */
const STACK = DEFAULT_STACK_NAME;
/** Function settings moto 5.2.1 does not keep (it reports x86_64 and PassThrough whatever the template says). */
const MOTO_DROPS = ['Architectures', 'TracingConfig', 'LoggingConfig'];

let moto: MotoServer;
let workdir: string;
let assemblyDir: string;
let firstDeploy: CdkRun;
let template: CfnTemplate;
let resources: StackResourceSummary[];
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  moto = await startMotoForCloudFormation();
  workdir = mkdtempSync(join(tmpdir(), 'lambda-egress-deploy-'));
  assemblyDir = join(workdir, 'cdk.out');
  const bootstrapDir = join(workdir, 'bootstrap');
  mkdirSync(bootstrapDir);
  const env = cdkEnvironmentFor(moto);
  // From a directory without cdk.json, so bootstrap synthesizes nothing of ours.
  await runCdk(['bootstrap', `aws://${MOTO_ACCOUNT}/${DEPLOY_REGION}`], { cwd: bootstrapDir, env });
  // moto's change sets ignore DependsOn and fail on the API's deployment: --method=direct.
  firstDeploy = await runCdk(['deploy', STACK, '--require-approval', 'never', '--method=direct', '--output', assemblyDir], { cwd: PROJECT_ROOT, env });
  template = JSON.parse(readFileSync(join(assemblyDir, `${STACK}.template.json`), 'utf8')) as CfnTemplate;
  clients = clientsFor(moto);
  resources = [];
  for await (const page of paginateListStackResources({ client: clients.cloudformation }, { StackName: STACK })) resources.push(...(page.StackResourceSummaries ?? []));
}, 600_000);

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  if (moto) {
    await moto.stop();
    expect(isProcessAlive(moto.pid)).toBe(false);
  }
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

const physicalId = (logicalId: string): string => {
  const id = resources.find((resource) => resource.LogicalResourceId === logicalId)?.PhysicalResourceId;
  if (!id) throw new Error(`${logicalId} is not in the deployed stack`);
  return id;
};
const ofType = (type: string): Array<[string, Record<string, unknown>]> =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);

/**
 * What a template value becomes once deployed: a string stays, a role's ARN or a state machine's Ref resolve to
 * what moto made, an ARN joined from pseudo parameters (the ENI cleanup role's) to moto's account and region.
 */
const deployedValueOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(deployedValueOf).join(join[0]);
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': MOTO_ACCOUNT, 'AWS::Region': DEPLOY_REGION };
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string' && pseudo[ref] !== undefined) return pseudo[ref];
  const target = referencedLogicalId(value);
  const type = target ? template.Resources[target]?.Type : undefined;
  if (type === 'AWS::IAM::Role') return `arn:aws:iam::${MOTO_ACCOUNT}:role/${physicalId(target ?? '')}`;
  if (type === 'AWS::StepFunctions::StateMachine') return physicalId(target ?? '');
  if (type === 'AWS::Lambda::Function') return `arn:aws:lambda:${DEPLOY_REGION}:${MOTO_ACCOUNT}:function:${physicalId(target ?? '')}`;
  if (type === 'AWS::DynamoDB::Table') {
    const name = physicalId(target ?? '');
    return 'Ref' in (value as object) ? name : `arn:aws:dynamodb:${DEPLOY_REGION}:${MOTO_ACCOUNT}:table/${name}`;
  }
  throw new Error(`no rule to resolve ${JSON.stringify(value)} (${type ?? 'unknown'}): extend deployedValueOf`);
};

/** A template value with every `Ref` replaced by what it deploys as (an event pattern naming a state machine). */
const deployedShapeOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(deployedShapeOf);
  if (value === null || typeof value !== 'object') return value;
  if (referencedLogicalId(value)) return deployedValueOf(value);
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, deployedShapeOf(child)]));
};

describe('the stack deployed into moto (moto is not CloudFormation: see MOTO_SKIPS and MOTO_DROPS)', () => {
  it('ends CREATE_COMPLETE with its outputs, and StateMachineArn names a state machine moto lists', async () => {
    const stack = (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(template.Outputs ?? {}).sort());
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining([API_URL_OUTPUT, STATE_MACHINE_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT]));
    const listed = (await clients.sfn.send(new ListStateMachinesCommand({}))).stateMachines?.map((machine) => machine.stateMachineArn);
    expect(listed).toContain(outputs[STATE_MACHINE_OUTPUT]);
    expect(listed).toContain(outputs[RELEASE_STATE_MACHINE_OUTPUT]);
    expect(listed).toContain(outputs[TEARDOWN_STATE_MACHINE_OUTPUT]);
    expect(outputs[STATE_MACHINE_OUTPUT]).toMatch(new RegExp(`^arn:aws:states:${DEPLOY_REGION}:${MOTO_ACCOUNT}:stateMachine:`));
  });

  it('creates every resource of the synthesized template, except the types moto skips', () => {
    const deployed = new Map(resources.map((resource) => [resource.LogicalResourceId, resource]));
    const expected = Object.entries(template.Resources).filter(([, resource]) => !MOTO_SKIPS[resource.Type]);
    expect(expected.length).toBeGreaterThan(90);
    const missing = expected
      .filter(([id]) => deployed.get(id)?.ResourceStatus !== 'CREATE_COMPLETE')
      .map(([id, resource]) => `${resource.Type} ${id}`);
    expect(missing).toEqual([]);
    // The list of skipped types stays honest: moto really leaves each of them out.
    const skippedButDeployed = Object.entries(template.Resources)
      .filter(([id, resource]) => MOTO_SKIPS[resource.Type] && deployed.has(id))
      .map(([id, resource]) => `${resource.Type} ${id}`);
    expect(skippedButDeployed).toEqual([]);
  });

  it(`deploys every function with the template's name, runtime, handler, memory, time-out, role and environment (not ${MOTO_DROPS.join(', ')})`, async () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, properties] of functions) {
      const deployed = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physicalId(id) }));
      const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect({
        name: deployed.FunctionName,
        runtime: deployed.Runtime,
        handler: deployed.Handler,
        memory: deployed.MemorySize,
        timeout: deployed.Timeout,
        role: deployed.Role,
        variables: Object.keys(deployed.Environment?.Variables ?? {}).sort(),
      }).toEqual({
        name: properties.FunctionName,
        runtime: properties.Runtime,
        handler: properties.Handler,
        memory: properties.MemorySize,
        timeout: properties.Timeout,
        role: deployedValueOf(properties.Role),
        variables: Object.keys(variables).sort(),
      });
      for (const [name, value] of Object.entries(variables)) expect([id, name, deployed.Environment?.Variables?.[name]]).toEqual([id, name, deployedValueOf(value)]);
    }
  });

  it("deploys every rule with the template's pattern and state, and its targets with their input, retries and dead-letter queue", async () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules.length).toBeGreaterThan(0);
    for (const [id, properties] of rules) {
      const name = physicalId(id);
      const rule = await clients.events.send(new DescribeRuleCommand({ Name: name }));
      expect([id, JSON.parse(rule.EventPattern ?? 'null'), rule.State]).toEqual([id, deployedShapeOf(properties.EventPattern), properties.State]);
      const targets = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets ?? [];
      const declared = properties.Targets as Array<Record<string, unknown>>;
      expect(targets).toHaveLength(declared.length);
      for (const [index, target] of targets.entries()) {
        const want = declared[index] ?? {};
        expect(target.Arn).toBe(deployedValueOf(want.Arn));
        expect(target.InputTransformer).toEqual(want.InputTransformer);
        expect(target.RetryPolicy).toEqual(want.RetryPolicy);
        const queue = referencedLogicalId((want.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn);
        if (queue) expect(target.DeadLetterConfig?.Arn).toBe(`arn:aws:sqs:${DEPLOY_REGION}:${MOTO_ACCOUNT}:${physicalId(queue).split('/').pop()}`);
      }
    }
  });

  it("deploys every queue with the template's retention and server-side encryption", async () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    for (const [id, properties] of queues) {
      const attributes = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: physicalId(id), AttributeNames: ['All'] }))).Attributes ?? {};
      expect([id, attributes.MessageRetentionPeriod, attributes.SqsManagedSseEnabled]).toEqual([
        id,
        String(properties.MessageRetentionPeriod),
        String(properties.SqsManagedSseEnabled),
      ]);
    }
  });

  it('resolves every ${...} of each state machine definition (its S3 asset) to a function the stack deployed', async () => {
    const deployedTemplate = JSON.parse((await clients.cloudformation.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody ?? '{}') as CfnTemplate;
    const machines = Object.entries(deployedTemplate.Resources).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
    expect(machines.length).toBeGreaterThan(0);
    for (const [id, resource] of machines) {
      const properties = resource.Properties ?? {};
      const location = properties.DefinitionS3Location as { Bucket: unknown; Key: unknown };
      const pseudo = { 'AWS::AccountId': MOTO_ACCOUNT, 'AWS::Region': DEPLOY_REGION };
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: resolvePseudoSub(location.Bucket, pseudo), Key: resolvePseudoSub(location.Key, pseudo) }));
      const definition = (await object.Body?.transformToString()) ?? '';
      const substitutions = (properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
      const placeholders = everyPlaceholder(definition);
      expect([id, placeholders.length > 0]).toEqual([id, true]);
      const resolved: Record<string, string> = {};
      for (const placeholder of placeholders) {
        const target = referencedLogicalId(substitutions[placeholder]);
        const type = target ? deployedTemplate.Resources[target]?.Type : undefined;
        expect([id, placeholder, type]).toEqual([id, placeholder, 'AWS::Lambda::Function']);
        const deployed = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physicalId(target ?? '') }));
        resolved[placeholder] = deployed.FunctionArn ?? '';
      }
      const substituted = definition.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => resolved[name] ?? '');
      expect([id, everyPlaceholder(substituted)]).toEqual([id, []]);
      expect(() => JSON.parse(substituted) as unknown).not.toThrow();
    }
  });

  it('reports no changes on a second deploy of the same cloud assembly', async () => {
    // --app at the assembly the first deploy wrote (never at one bootstrap wrote): no second synthesis.
    const second = await runCdk(['deploy', STACK, '--app', assemblyDir, '--require-approval', 'never', '--method=direct'], { cwd: PROJECT_ROOT, env: cdkEnvironmentFor(moto) });
    expect(second.output).toMatch(new RegExp(`${STACK} \\(no changes\\)`));
    process.stdout.write(`deploy into moto: first ${firstDeploy.seconds.toFixed(1)} s (synthesis included), second ${second.seconds.toFixed(1)} s\n`);
  }, 300_000);
});

function clientsFor(server: MotoServer) {
  const config = {
    endpoint: server.endpoint,
    region: DEPLOY_REGION,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  };
  return {
    cloudformation: new CloudFormationClient(config),
    sfn: new SFNClient(config),
    lambda: new LambdaClient(config),
    events: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
}
