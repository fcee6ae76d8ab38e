import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Match, Template } from 'aws-cdk-lib/assertions';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AwsSolutionsChecks } from 'cdk-nag';
import tagChangeEvent from '../../events/tag-change-on-function.json';
import statusChangeEvent from '../../events/sfn-execution-status-change.json';
import requestSchema from '../../functions/shared/request.schema.json';
import { TASKS, type TaskName } from '../../functions/shared/task-registry';
import { FUNCTION_PREFIX, NETWORK_PREFIX, REGISTRY_TABLE_ENV } from '../../functions/shared/registry/table';
import { PROBE_FUNCTION_PREFIX, TAG_ADDED_ROUTES, TAG_MANAGED } from '../../functions/shared/tags';
import { TAG_KEPT_AZ, TAG_KEPT_FOR, TAG_KEPT_SET } from '../../functions/shared/kept-egress-ips';
import { createApp } from '../../infra/app';
import { splitRequestedBy } from '../../functions/shared/requested-by';
import { API_URL_OUTPUT, LambdaEgressStack as LambdaEgressStackClass, REGISTRY_TABLE_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT, type LambdaEgressStack } from '../../infra/lambda-egress-stack';
import { requestModelSchema } from '../../infra/request-model';
import { staleLockPattern } from '../../infra/stale-lock-pattern';
import { TAG_REMOVED_PATTERN, TAG_TRIGGER_PATTERN } from '../../infra/tag-trigger-pattern';
import { ProductFunction } from '../../infra/product-function';
import { FUNCTIONS_DIR } from '../../infra/task-functions';
import { TASK_PERMISSIONS } from '../../infra/task-permissions';
import { TIMEOUT_MARGIN_SECONDS, taskTimeoutsOf } from '../../infra/task-timeouts';
import { DEPLOYED_DEFINITION_PATHS, placeholdersOf, PROVISION_DEFINITION_PATH, readDefinitionText, RELEASE_DEFINITION_PATH, taskOfPlaceholder, TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { sdkActionsOf } from './sdk-calls';
import {
  actionsOf,
  allowing,
  destructiveWithoutManagedTag,
  flat,
  functionLogicalId,
  renderInputTemplate,
  resourcesOf,
  statementsOfFunction,
  statementsOfRole,
  type Statement,
} from '../support/template-queries';

/**
 * The stack as `npx cdk synth` builds it, synthesized once with cdk-nag's AwsSolutions pack as a gate:
 * synthesis throws on any unacknowledged finding. Without bundling (CDK's own switch, the context
 * `aws:cdk:bundling-stacks` that `cdk synth --exclusively` uses): nothing here reads the bundles but one test,
 * which bundles a function of its own; `cdk synth` in .ci/run still bundles all of them.
 */
const PREFIX = 'LambdaEgress';
const TASK_NAMES = Object.keys(TASKS) as TaskName[];
const API_FUNCTIONS = {
  ApiStartRequest: join(FUNCTIONS_DIR, 'api', 'start-request.ts'),
  ApiGetRequest: join(FUNCTIONS_DIR, 'api', 'get-request.ts'),
  ApiListNetworks: join(FUNCTIONS_DIR, 'api', 'get-networks.ts'),
  ApiReleaseRequest: join(FUNCTIONS_DIR, 'api', 'delete-request.ts'),
  ApiTeardownNetwork: join(FUNCTIONS_DIR, 'api', 'delete-network.ts'),
};
/** Functions that EventBridge rules target. */
const EVENT_FUNCTIONS = { ReleaseStaleLocks: join(FUNCTIONS_DIR, 'membership', 'release-stale-locks.ts') };
const OTHER_FUNCTIONS = { ...API_FUNCTIONS, ...EVENT_FUNCTIONS };

let outdir: string;
let app: App;
let stack: LambdaEgressStack;
let template: Template;
let templatePath: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'lambda-egress-synth-'));
  process.env[cxapi.CONTEXT_ENV] = JSON.stringify({ [cxapi.BUNDLING_STACKS]: [] });
  try {
    ({ app, stack } = createApp({}, outdir));
  } finally {
    delete process.env[cxapi.CONTEXT_ENV];
  }
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  templatePath = join(outdir, artifact.templateFile);
  template = Template.fromJSON(artifact.template as Record<string, unknown>);
}, 600_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const roleStatements = (task: string): Statement[] => statementsOfFunction(template, `${PREFIX}-${task}`);

describe('task functions', () => {
  it('deploys one function per task of the registry, each from a code asset with an index.handler', () => {
    for (const task of TASK_NAMES) {
      const id = functionLogicalId(template, `${PREFIX}-${task}`);
      const properties = template.toJSON().Resources[id].Properties as { Code: { S3Key?: string }; Handler: string };
      expect([task, properties.Handler, properties.Code.S3Key]).toEqual([task, 'index.handler', expect.stringMatching(/\.zip$/)]);
    }
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x' }, TASK_NAMES.length + Object.keys(OTHER_FUNCTIONS).length);
  });

  it('bundles a task function from its handler with the local esbuild, without Docker', () => {
    // GIVEN a task's function as the stack builds it, in a stack that bundles
    const bundledOutdir = mkdtempSync(join(tmpdir(), 'lambda-egress-bundle-'));
    try {
      const bundlingStack = new Stack(new App({ outdir: bundledOutdir }), 'Bundled');
      const { function: fn } = new ProductFunction(bundlingStack, 'ValidateRequest', {
        name: 'ValidateRequest',
        entry: join(FUNCTIONS_DIR, TASKS.ValidateRequest),
        timeoutSeconds: 60,
        grants: [],
        settings: { functionNamePrefix: PREFIX },
      });
      // WHEN it is synthesized
      const bundled = Template.fromStack(bundlingStack).toJSON().Resources[Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement)];
      const key = (bundled.Properties.Code as { S3Key: string }).S3Key;
      // THEN its asset is one minified CommonJS file that exports the handler
      const code = readFileSync(join(bundledOutdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
      expect(code).toMatch(/handler/);
      expect(existsSync(join(bundledOutdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.js.map'))).toBe(true);
    } finally {
      rmSync(bundledOutdir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs every function on nodejs22.x arm64 with the Powertools settings, one SDK attempt per call only where a state machine retries', () => {
    for (const name of [...TASK_NAMES, ...Object.keys(OTHER_FUNCTIONS)]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `${PREFIX}-${name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'lambda-egress', POWERTOOLS_LOG_LEVEL: 'INFO' }) },
      });
    }
    // GIVEN the tasks (retried by the state machines) and the API and EventBridge functions (retried by nothing)
    const maxAttempts = (name: string): unknown => template.toJSON().Resources[functionLogicalId(template, `${PREFIX}-${name}`)].Properties.Environment.Variables.AWS_MAX_ATTEMPTS;
    // THEN only a task gives up the SDK's own retries
    for (const task of TASK_NAMES) expect([task, maxAttempts(task)]).toEqual([task, '1']);
    for (const name of Object.keys(OTHER_FUNCTIONS)) expect([name, maxAttempts(name)]).toEqual([name, undefined]);
  });

  it("stops each function before the state machine stops waiting for its Task", () => {
    const taskTimeouts = taskTimeoutsOf();
    for (const task of TASK_NAMES) {
      const fn = template.toJSON().Resources[functionLogicalId(template, `${PREFIX}-${task}`)];
      expect([task, fn.Properties.Timeout]).toEqual([task, (taskTimeouts.get(task) ?? 60) - TIMEOUT_MARGIN_SECONDS]);
    }
  });

  it('gives EnsureProbeFunction the probe role in PROBE_ROLE_ARN, and lets it pass only that role, only to Lambda', () => {
    const probeRole = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('probe functions') } }));
    expect(probeRole).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${PREFIX}-EnsureProbeFunction`,
      Environment: { Variables: Match.objectLike({ PROBE_ROLE_ARN: { 'Fn::GetAtt': [probeRole[0], 'Arn'] } }) },
    });
    const passRole = allowing(roleStatements('EnsureProbeFunction'), 'iam:PassRole');
    expect(passRole).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [probeRole[0], 'Arn'] }, Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }),
    ]);
    for (const task of TASK_NAMES.filter((name) => name !== 'EnsureProbeFunction')) expect([task, allowing(roleStatements(task), 'iam:PassRole')]).toEqual([task, []]);
  });

  it('gives Rollback and TeardownNetwork the ENI cleanup role in ENI_CLEANUP_ROLE_ARN; it alone may delete network interfaces, and only they may assume it', () => {
    // GIVEN the ENI cleanup role of the template
    const cleanupRoles = template.findResources('AWS::IAM::Role', { Properties: { RoleName: `${PREFIX}-EniCleanup` } });
    expect(Object.keys(cleanupRoles)).toHaveLength(1);
    const cleanupRole = Object.values(cleanupRoles)[0] as { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> } };
    const cleanupArn = ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/', PREFIX, '-EniCleanup'].join('');
    const roleIdOf = (task: string) => (template.toJSON().Resources[functionLogicalId(template, `${PREFIX}-${task}`)].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    // THEN its only permission is ec2:DeleteNetworkInterface on this account's and region's interfaces
    const own = cleanupRole.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(own.map((statement) => [statement.Effect, actionsOf(statement), resourcesOf(statement).map(flat)])).toEqual([
      ['Allow', ['ec2:DeleteNetworkInterface'], ['arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*']],
    ]);
    // AND only the Rollback and TeardownNetwork roles are trusted, for sts:AssumeRole
    const trust = cleanupRole.Properties.AssumeRolePolicyDocument.Statement;
    expect(new Set(trust.map((statement) => `${statement.Effect} ${String(statement.Action)}`))).toEqual(new Set(['Allow sts:AssumeRole']));
    const trusted = trust.flatMap((statement) => ([] as unknown[]).concat((statement as unknown as { Principal: { AWS: unknown } }).Principal.AWS));
    expect(trusted).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [roleIdOf('Rollback'), 'Arn'] }, { 'Fn::GetAtt': [roleIdOf('TeardownNetwork'), 'Arn'] }]));
    expect(trusted).toHaveLength(2);
    // AND those two get its ARN and may assume it and nothing else; no task role holds ec2:DeleteNetworkInterface
    // but on interfaces tagged lambda-egress:managed=true (a NAT instance's fixed ENI, natGateways "instance")
    for (const task of ['Rollback', 'TeardownNetwork']) {
      const variables = (template.toJSON().Resources[functionLogicalId(template, `${PREFIX}-${task}`)].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect([task, flat(variables.ENI_CLEANUP_ROLE_ARN)]).toEqual([task, cleanupArn]);
      expect([task, allowing(roleStatements(task), 'sts:AssumeRole').flatMap(resourcesOf).map(flat)]).toEqual([task, [cleanupArn]]);
    }
    for (const task of TASK_NAMES) {
      const unmanaged = allowing(roleStatements(task), 'ec2:DeleteNetworkInterface').filter((statement) => statement.Condition?.StringEquals?.['aws:ResourceTag/lambda-egress:managed'] !== 'true');
      expect([task, unmanaged]).toEqual([task, []]);
      if (task !== 'Rollback' && task !== 'TeardownNetwork') expect([task, allowing(roleStatements(task), 'sts:AssumeRole')]).toEqual([task, []]);
    }
  });

  it('runs the probe functions with the AWS managed VPC access policy only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('probe functions'),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] }],
      Policies: Match.absent(),
    });
  });
});

describe('least privilege per task', () => {
  /** Implied by calls the code makes, though no Command of that name is sent. */
  const IMPLIED: Record<string, string> = {
    'ec2:CreateTags': 'tag-on-create: a Create call with TagSpecifications is also authorized as ec2:CreateTags',
    'lambda:ListTags': 'GetFunction returns the Tags the code reads only to a caller allowed lambda:ListTags',
    'lambda:TagResource': 'CreateFunction with Tags is also authorized as lambda:TagResource',
    'cloudwatch:TagResource': 'PutMetricAlarm with Tags is also authorized as cloudwatch:TagResource',
    'ssm:AddTagsToResource': 'PutParameter with Tags is also authorized as ssm:AddTagsToResource',
    'iam:PassRole': 'CreateFunction/UpdateFunctionConfiguration with a Role pass it',
    'ec2:DescribeVpcs': 'Lambda checks that a caller setting a VpcConfig may describe its VPC',
    'ec2:DescribeSubnets': 'Lambda checks that a caller setting a VpcConfig may describe its subnets',
    'ec2:DescribeSecurityGroups': 'Lambda checks that a caller setting a VpcConfig may describe its groups',
    'logs:CreateLogStream': "the function's own log group",
    'logs:PutLogEvents': "the function's own log group",
    'xray:PutTraceSegments': 'active tracing',
    'xray:PutTelemetryRecords': 'active tracing',
    'ec2:RunInstances': 'CreateAutoScalingGroup with a launch template is also authorized as ec2:RunInstances (and its tags as ec2:CreateTags)',
    'iam:CreateServiceLinkedRole': "CreateAutoScalingGroup creates Auto Scaling's service-linked role the first time in an account",
    'ssm:GetParameters': 'a launch template naming its image by an SSM parameter is resolved with the caller\'s rights',
  };
  /** Imported by a module the handler imports, but never sent by that handler. */
  const IMPORTED_NOT_SENT: Partial<Record<string, Record<string, string>>> = {
    DetachVpcAccessPolicy: { 'iam:ListAttachedRolePolicies': 'vpc-access-policy.ts also holds hasVpcAccessPolicy, which this task does not call' },
  };
  /** Sent with the ENI cleanup role's session (functions/undo/eni-cleanup-session.ts), never with the task's own role. */
  // Lambda's ENIs are deleted as the ENI cleanup role; the task role itself deletes only the NAT instance's
  // fixed ENI, which carries the managed tag (checked in the cleanup-role test), so both send the action.
  const SENT_AS_ENI_CLEANUP_ROLE: Partial<Record<string, readonly string[]>> = {};
  const entries: Array<[string, string]> = [...TASK_NAMES.map((task): [string, string] => [task, join(FUNCTIONS_DIR, TASKS[task])]), ...Object.entries(OTHER_FUNCTIONS)];

  it('has an entry in the permission table for every task of the registry, and none for anything else', () => {
    expect(Object.keys(TASK_PERMISSIONS).sort()).toEqual([...TASK_NAMES].sort());
  });

  it.each(entries)("%s's role allows every AWS call its code can send", (name, entry) => {
    // GIVEN the SDK commands the handler's code imports WHEN the role is read THEN each has an Allow
    const statements = roleStatements(name);
    const skipped = IMPORTED_NOT_SENT[name] ?? {};
    const asCleanupRole = SENT_AS_ENI_CLEANUP_ROLE[name] ?? [];
    const missing = [...sdkActionsOf(entry)].filter((action) => !skipped[action] && !asCleanupRole.includes(action) && allowing(statements, action).length === 0);
    expect(missing).toEqual([]);
  });

  it.each(entries)("%s's role allows nothing its code does not call", (name, entry) => {
    const called = sdkActionsOf(entry);
    const skipped = IMPORTED_NOT_SENT[name] ?? {};
    for (const action of Object.keys(skipped)) expect([name, action, called.has(action)]).toEqual([name, action, true]);
    const allowed = roleStatements(name)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actionsOf);
    const asCleanupRole = SENT_AS_ENI_CLEANUP_ROLE[name] ?? [];
    const unexplained = allowed.filter((action) => (!called.has(action) || skipped[action] || asCleanupRole.includes(action)) && !IMPLIED[action]);
    expect(unexplained).toEqual([]);
  });

  it('allows destructive EC2 actions (Delete/Release/Detach/Disassociate/Replace) only on resources tagged lambda-egress:managed=true', () => {
    const everyStatement = [...TASK_NAMES, ...Object.keys(OTHER_FUNCTIONS)].flatMap(roleStatements);
    expect(everyStatement.some((statement) => actionsOf(statement).some((action) => /^ec2:Delete/.test(action)))).toBe(true);
    expect(destructiveWithoutManagedTag(everyStatement)).toEqual([]);
  });

  it('fails the destructive-action check for a statement without the tag condition (the check can fail)', () => {
    const untagged: Statement = { Effect: 'Allow', Action: ['ec2:DeleteRoute'], Resource: '*' };
    const otherTag: Statement = { ...untagged, Condition: { StringEquals: { 'aws:ResourceTag/owner': 'me' } } };
    const wildcard: Statement = { Effect: 'Allow', Action: 'ec2:*', Resource: '*' };
    const tagged: Statement = { ...untagged, Condition: { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } } };
    const marked: Statement = { ...untagged, Condition: { Null: { [`aws:ResourceTag/${TAG_ADDED_ROUTES}`]: 'false' } } };
    const vpcArn = 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/*';
    const alongside: Statement = { Effect: 'Allow', Action: 'ec2:DetachInternetGateway', Resource: vpcArn };
    const alongsideTooWide: Statement = { Effect: 'Allow', Action: ['ec2:DetachInternetGateway', 'ec2:DeleteVpc'], Resource: vpcArn };
    expect(destructiveWithoutManagedTag([untagged, otherTag, wildcard, tagged, marked, alongside, alongsideTooWide])).toEqual([untagged, otherTag, wildcard, alongsideTooWide]);
  });

  it("lets EC2 creates make only resources tagged lambda-egress:managed=true, and tag nothing that exists but a user's route table's mark and a kept Elastic IP of its own", () => {
    for (const task of TASK_NAMES) {
      const statements = roleStatements(task);
      const creates = statements.filter((statement) => statement.Sid?.endsWith('New'));
      // Every EC2 call that creates a taggable resource has a statement for the new resource, tag required.
      const taggableCreates = [...sdkActionsOf(join(FUNCTIONS_DIR, TASKS[task]))].filter((action) => /^ec2:(Create(?!Route$|Tags$)|Allocate)/.test(action));
      for (const action of taggableCreates) expect([task, action, creates.some((statement) => actionsOf(statement).includes(action))]).toEqual([task, action, true]);
      for (const statement of creates) {
        expect([task, statement.Sid, statement.Condition]).toEqual([task, statement.Sid, { StringEquals: expect.objectContaining({ [`aws:RequestTag/${TAG_MANAGED}`]: 'true' }) }]);
      }
      // The route mark: one dedicated key, on route tables only, never a request without tag keys.
      const isMark = (statement: Statement) => JSON.stringify(statement.Condition?.['ForAllValues:StringEquals']) === JSON.stringify({ 'aws:TagKeys': [TAG_ADDED_ROUTES] });
      for (const statement of allowing(statements, 'ec2:CreateTags').filter(isMark)) {
        expect([task, resourcesOf(statement).map(flat), statement.Condition?.Null?.['aws:TagKeys']]).toEqual([task, ['arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:route-table/*'], 'false']);
      }
      // network.keepEgressIps: the kept tags only, on Elastic IPs lambda-egress allocated (its managed tag), never a request without tag keys.
      const isKept = (statement: Statement) => JSON.stringify(statement.Condition?.['ForAllValues:StringEquals']) === JSON.stringify({ 'aws:TagKeys': [TAG_KEPT_FOR, TAG_KEPT_AZ, TAG_KEPT_SET] });
      for (const statement of allowing(statements, 'ec2:CreateTags').filter(isKept)) {
        expect([task, resourcesOf(statement).map(flat), statement.Condition?.StringEquals, statement.Condition?.Null?.['aws:TagKeys']]).toEqual([
          task,
          ['arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:elastic-ip/*'],
          { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' },
          'false',
        ]);
      }
      for (const statement of allowing(statements, 'ec2:CreateTags').filter((candidate) => !isMark(candidate) && !isKept(candidate))) {
        const condition = statement.Condition?.StringEquals ?? {};
        expect([task, condition[`aws:RequestTag/${TAG_MANAGED}`], Array.isArray(condition['ec2:CreateAction'])]).toEqual([task, 'true', true]);
        // Every CreateAction named is one the task calls.
        const called = sdkActionsOf(join(FUNCTIONS_DIR, TASKS[task]));
        // RunInstances: the launches CreateAutoScalingGroup is also authorized as (natGateways "instance").
        const launchedBy = called.has('autoscaling:CreateAutoScalingGroup') ? ['RunInstances'] : [];
        for (const action of condition['ec2:CreateAction'] as string[]) expect([task, called.has(`ec2:${action}`) || launchedBy.includes(action)]).toEqual([task, true]);
      }
    }
  });

  it('attaches and detaches only AWSLambdaVPCAccessExecutionRole (iam:PolicyARN)', () => {
    const policyArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] };
    const found = TASK_NAMES.flatMap((task) => [...allowing(roleStatements(task), 'iam:AttachRolePolicy'), ...allowing(roleStatements(task), 'iam:DetachRolePolicy')]);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const statement of found) expect(statement.Condition).toEqual({ ArnEquals: { 'iam:PolicyARN': policyArn } });
  });

  it("denies every task changing or deleting the product's own functions, and that Deny covers no probe function", () => {
    const inlinePolicyDeny = (statement: { Sid?: string }) => statement.Sid === 'DenyInlinePoliciesOnProductRoles';
    const deny = (task: string) => roleStatements(task).filter((statement) => statement.Effect === 'Deny' && !inlinePolicyDeny(statement));
    // The tasks that put or delete the narrow inline ENI policy carry a second Deny, on the product's roles (test/infra/iam-narrow-eni-policy.test.ts)
    expect(TASK_NAMES.filter((task) => roleStatements(task).some((statement) => statement.Effect === 'Deny' && inlinePolicyDeny(statement))).sort()).toEqual([
      'DetachVpcAccessPolicy',
      'RestoreRolePolicy',
      'Rollback',
    ]);
    for (const task of TASK_NAMES) {
      expect([task, deny(task).map((statement) => [actionsOf(statement).sort(), resourcesOf(statement).map(flat)])]).toEqual([
        task,
        [
          [
            ['lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration'],
            [`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${PREFIX}-*`],
          ],
        ],
      ]);
    }
    const pattern = new RegExp(`^${PREFIX}-`);
    const names = Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.FunctionName as string);
    expect(names.every((name) => pattern.test(name))).toBe(true);
    expect(pattern.test(`${PROBE_FUNCTION_PREFIX}-default`)).toBe(false);
  });

  it('changes, invokes and deletes probe functions only by their name prefix and only when tagged as lambda-egress’s', () => {
    const probeArn = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${PROBE_FUNCTION_PREFIX}-*`;
    const changes = [
      ...['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:CreateFunction'].flatMap((action) => allowing(roleStatements('EnsureProbeFunction'), action)),
      ...allowing(roleStatements('RunProbe'), 'lambda:InvokeFunction'),
      ...allowing(roleStatements('Rollback'), 'lambda:DeleteFunction'),
    ];
    expect(changes.length).toBeGreaterThanOrEqual(4);
    for (const statement of changes) {
      expect(resourcesOf(statement).map(flat)).toEqual([probeArn]);
      expect(JSON.stringify(statement.Condition)).toMatch(new RegExp(`aws:(Resource|Request)Tag/${TAG_MANAGED}":"true"`));
    }
  });
});

/** Each state machine of the stack: its construct id and the definition it deploys. */
const WORKFLOWS: Array<[string, string]> = [
  ['Provision', PROVISION_DEFINITION_PATH],
  ['Release', RELEASE_DEFINITION_PATH],
  ['Teardown', TEARDOWN_DEFINITION_PATH],
];
const machineIdOf = (construct: string): string =>
  Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).find((id) => id.startsWith(`${construct}StateMachine`)) ?? `no ${construct} state machine`;

describe('state machine', () => {
  const definitionText = readDefinitionText();

  it.each(WORKFLOWS)('substitutes every ${...} of the %s definition with its task function, and nothing else', (construct, definitionPath) => {
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(WORKFLOWS.length);
    const machine = template.toJSON().Resources[machineIdOf(construct)];
    const substitutions = machine?.Properties.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
    expect(Object.keys(substitutions).sort()).toEqual(placeholdersOf(readDefinitionText(definitionPath)).sort());
    for (const [placeholder, value] of Object.entries(substitutions)) {
      const task = placeholder.replace(/FunctionArn$/, '');
      expect([placeholder, value]).toEqual([placeholder, { 'Fn::GetAtt': [functionLogicalId(template, `${PREFIX}-${task}`), 'Arn'] }]);
    }
  });

  it('deploys the definition file itself (an S3 asset of provision.asl.json)', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(machine?.Properties.DefinitionS3Location).toEqual({ Bucket: expect.anything(), Key: expect.stringMatching(/\.json$/) });
    const key = (machine?.Properties.DefinitionS3Location as { Key: string }).Key;
    expect(readFileSync(join(outdir, `asset.${key}`), 'utf8')).toBe(definitionText);
  });

  it('logs errors only, without execution data, to its own log group, with X-Ray tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false, Destinations: [Match.anyValue()] },
      TracingConfiguration: { Enabled: true },
    });
  });

  it.each(WORKFLOWS)('%s can invoke the task functions its definition names and nothing else', (construct, definitionPath) => {
    const machineId = machineIdOf(construct);
    const roleId = (template.toJSON().Resources[machineId].Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOfRole(template, roleId);
    const lambdaActions = statements.flatMap(actionsOf).filter((action) => action.startsWith('lambda:'));
    expect([...new Set(lambdaActions)]).toEqual(['lambda:InvokeFunction']);
    const named = placeholdersOf(readDefinitionText(definitionPath)).map((placeholder) => taskOfPlaceholder(placeholder) ?? '');
    const taskIds = named.map((task) => functionLogicalId(template, `${PREFIX}-${task}`));
    const invoked = allowing(statements, 'lambda:InvokeFunction').flatMap(resourcesOf).map(flat);
    expect(invoked.sort()).toEqual(taskIds.flatMap((id) => [`\${${id}.Arn}`, `\${${id}.Arn}:*`]).sort());
    const others = statements.flatMap(actionsOf).filter((action) => !action.startsWith('lambda:') && !action.startsWith('logs:') && !action.startsWith('xray:'));
    expect(others).toEqual([]);
  });

  it('deploys only task functions some definition calls', () => {
    const called = new Set(DEPLOYED_DEFINITION_PATHS.flatMap((path) => placeholdersOf(readDefinitionText(path)).map((placeholder) => taskOfPlaceholder(placeholder))));
    expect(TASK_NAMES.filter((task) => !called.has(task))).toEqual([]);
  });
});

/** The tag trigger's rule (the release rule on the tag's removal and the stale-lock rule are the others). */
const tagTriggerRule = () => Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: JSON.parse(JSON.stringify(TAG_TRIGGER_PATTERN)) } }))[0];

describe('tag trigger', () => {
  it('matches Tag Change on Resource events of Lambda functions that now carry lambda-egress:network', () => {
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: JSON.parse(JSON.stringify(TAG_TRIGGER_PATTERN)), State: 'ENABLED' });
  });

  it('starts the state machine with a request built from the event, which the request schema accepts', () => {
    const rule = tagTriggerRule();
    const target = (rule?.Properties.Targets as Array<Record<string, unknown>>)[0] ?? {};
    expect(target.Arn).toEqual({ Ref: machineIdOf('Provision') });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^TagTriggerDeadLetters/), 'Arn'] } });
    const transformer = target.InputTransformer as { InputPathsMap: Record<string, string>; InputTemplate: string };
    // EventBridge takes dot notation only (no brackets), and the tag key has a colon in it.
    expect(Object.values(transformer.InputPathsMap).every((path) => !/\[['"]/.test(path))).toBe(true);

    const input = JSON.parse(renderInputTemplate(transformer, tagChangeEvent)) as unknown;
    // Who asked: the tag trigger, with the event's id (ValidateRequest splits it from the request)
    const { request, requestedBy } = splitRequestedBy(input, 'execution');
    expect(request).toEqual({ functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api', network: { name: 'shared' } });
    expect(requestedBy).toEqual({ via: 'tag', eventId: (tagChangeEvent as { id: string }).id });
    const ajv = new Ajv2020({ strict: true, strictRequired: false });
    addFormats(ajv);
    expect(ajv.validate(requestSchema, request)).toBe(true);
  });

  it("starts the release state machine with the function's ARN when the tag is removed, into the same dead-letter queue", () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: JSON.parse(JSON.stringify(TAG_REMOVED_PATTERN)) } }));
    expect(rules).toHaveLength(1);
    const target = (rules[0]?.Properties.Targets as Array<Record<string, unknown>>)[0] ?? {};
    expect(target.Arn).toEqual({ Ref: machineIdOf('Release') });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^TagTriggerDeadLetters/), 'Arn'] } });
    const transformer = target.InputTransformer as { InputPathsMap: Record<string, string>; InputTemplate: string };
    expect(JSON.parse(renderInputTemplate(transformer, tagChangeEvent))).toEqual({ functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api' });
  });
});

describe('catalog API', () => {
  const method = (httpMethod: string, pathPart: string) => {
    const resourceIds = Object.keys(template.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: pathPart } }));
    const found = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: httpMethod } })).filter((candidate) =>
      resourceIds.includes((candidate.Properties.ResourceId as { Ref?: string }).Ref ?? ''),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties as Record<string, unknown>;
  };

  it('offers POST /requests, GET and DELETE /requests/{id}, GET /networks and DELETE /networks/{name}, all SigV4 (IAM) authorized, and nothing else', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map((resource) => [resource.Properties.HttpMethod, resource.Properties.AuthorizationType]);
    expect(methods.sort()).toEqual([
      ['DELETE', 'AWS_IAM'],
      ['DELETE', 'AWS_IAM'],
      ['GET', 'AWS_IAM'],
      ['GET', 'AWS_IAM'],
      ['POST', 'AWS_IAM'],
    ]);
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((resource) => resource.Properties.PathPart);
    expect(paths.sort()).toEqual(['networks', 'requests', '{id}', '{name}']);
    expect(method('GET', 'networks').Integration).toEqual(expect.objectContaining({ Type: 'AWS_PROXY' }));
  });

  it('validates the POST body against the request schema (as draft-04) and requires the Idempotency-Key header', () => {
    const post = method('POST', 'requests');
    expect(post.RequestParameters).toEqual({ 'method.request.header.Idempotency-Key': true });
    const modelId = (post.RequestModels as Record<string, { Ref: string }>)['application/json']?.Ref ?? '';
    expect(template.toJSON().Resources[modelId].Properties.Schema).toEqual(requestModelSchema());
    const validatorId = (post.RequestValidatorId as { Ref: string }).Ref;
    expect(template.toJSON().Resources[validatorId].Properties).toEqual(expect.objectContaining({ ValidateRequestBody: true, ValidateRequestParameters: true }));
    const get = method('GET', '{id}');
    expect(get.RequestParameters).toEqual({ 'method.request.path.id': true });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('\\$context\\.error\\.validationErrorString') },
    });
  });

  it('throttles the stage, and starting workflows more tightly, with access and error logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, LoggingLevel: 'ERROR', DataTraceEnabled: false }),
        Match.objectLike({ HttpMethod: 'POST', ResourcePath: '/~1requests', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 }),
      ]),
    });
  });

  it("leaves the account's API Gateway CloudWatch role alone unless asked (apiCloudWatchRole)", () => {
    // GIVEN the default stack THEN it neither creates the role nor sets the account's setting
    expect(Object.keys(template.findResources('AWS::ApiGateway::Account'))).toEqual([]);
    expect(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('AmazonAPIGatewayPushToCloudWatchLogs')])]) })]) } }))).toEqual([]);
    // WHEN it is asked to THEN it does both
    const unbundled = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const asked = Template.fromStack(new LambdaEgressStackClass(unbundled, 'Asked', { apiCloudWatchRole: true }));
    expect(Object.keys(asked.findResources('AWS::ApiGateway::Account'))).toHaveLength(1);
  }, 300_000);

  it('lets the API functions start and read executions of the provisioning state machine only', () => {
    const machineRef = { Ref: machineIdOf('Provision') };
    const start = roleStatements('ApiStartRequest').filter((statement) => actionsOf(statement).some((action) => action.startsWith('states:')));
    expect(allowing(start, 'states:StartExecution').flatMap(resourcesOf)).toEqual([machineRef]);
    const read = roleStatements('ApiGetRequest').filter((statement) => actionsOf(statement).some((action) => action.startsWith('states:')));
    expect(read.flatMap(actionsOf).sort()).toEqual(['states:DescribeExecution', 'states:GetExecutionHistory']);
    for (const resource of read.flatMap(resourcesOf).map(flat)) expect(resource).toMatch(/:execution:.*ProvisionStateMachine.*:\*$/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${PREFIX}-ApiStartRequest`,
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: machineRef }) },
    });
  });
});

describe('registry', () => {
  const tableId = () => Object.keys(template.findResources('AWS::DynamoDB::Table'))[0] ?? '';

  it('keeps networks, members and locks in one on-demand, encrypted, recoverable table that outlives the stack', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: 'leaseExpiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'locks-by-owner',
            KeySchema: [
              { AttributeName: 'lockOwner', KeyType: 'HASH' },
              { AttributeName: 'pk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    });
  });

  it('tells the functions that use it its name, and lets them touch this table only, item calls only on network# and function# partitions', () => {
    const users = ['ValidateRequest', 'AcquireNetworkLock', 'ReleaseNetworkLock', 'RecordMembership', 'Rollback', 'ReleaseStaleLocks', 'ApiListNetworks', 'ValidateTeardown', 'TeardownNetwork', 'ValidateRelease', 'RemoveMembership', 'ApiTeardownNetwork'];
    for (const name of [...TASK_NAMES, ...Object.keys(OTHER_FUNCTIONS)]) {
      const fn = template.toJSON().Resources[functionLogicalId(template, `${PREFIX}-${name}`)];
      const statements = roleStatements(name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
      expect([name, fn.Properties.Environment.Variables[REGISTRY_TABLE_ENV]]).toEqual([name, users.includes(name) ? { Ref: tableId() } : undefined]);
      expect([name, statements.length > 0]).toEqual([name, users.includes(name)]);
      for (const statement of statements) {
        const resources = resourcesOf(statement).map(flat);
        const onIndex = resources.every((resource) => resource === `\${${tableId()}.Arn}/index/locks-by-owner`);
        expect([name, statement.Sid, onIndex || resources.every((resource) => resource === `\${${tableId()}.Arn}`)]).toEqual([name, statement.Sid, true]);
        if (onIndex || actionsOf(statement).includes('dynamodb:Scan')) continue;
        // DELETE /networks/{name} and ValidateRequest's Query (a network's allowedFunctions and settings) read network
        // records only; ValidateRequest's GetItem reads the membership of a function it moves (function# pointer, network# member).
        const networkOnly = name === 'ApiTeardownNetwork' || (name === 'ValidateRequest' && statement.Sid === 'RegistryReadNetwork');
        const partitions = networkOnly ? [`${NETWORK_PREFIX}*`] : [`${NETWORK_PREFIX}*`, `${FUNCTION_PREFIX}*`];
        expect([name, statement.Sid, statement.Condition]).toEqual([
          name,
          statement.Sid,
          { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        ]);
      }
    }
    // The inventory reads; only the scan is unconditioned, and it is read-only.
    expect(roleStatements('ApiListNetworks').flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:Scan']);
  });

  it('frees the locks of executions of the state machine that end ABORTED, TIMED_OUT or FAILED, through the stale-lock function with a DLQ', () => {
    // Every workflow takes locks: provision, and teardown (release too, once deployed).
    const machineRefs = WORKFLOWS.map(([construct]) => ({ Ref: machineIdOf(construct) }));
    const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.states'] } } }));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern).toEqual(JSON.parse(JSON.stringify(staleLockPattern(machineRefs as unknown as string[]))));
    const target = (rules[0]?.Properties.Targets as Array<Record<string, unknown>>)[0] ?? {};
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionLogicalId(template, `${PREFIX}-ReleaseStaleLocks`), 'Arn'] });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^StaleLocksDeadLetters/), 'Arn'] } });
    // The sample event of events/ is one the rule is for (its pattern is proved on moto in test/lock/stale-lock-rule.test.ts).
    expect(staleLockPattern([statusChangeEvent.detail.stateMachineArn]).detail.status).toContain(statusChangeEvent.detail.status);
  });
});

describe('stack', () => {
  it('outputs StateMachineArn, ApiUrl and RegistryTableName, the names the CLI and catalogs read', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([API_URL_OUTPUT, REGISTRY_TABLE_OUTPUT, RELEASE_STATE_MACHINE_OUTPUT, STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT].sort());
    expect(outputs[RELEASE_STATE_MACHINE_OUTPUT]?.Value).toEqual({ Ref: machineIdOf('Release') });
    expect(outputs[TEARDOWN_STATE_MACHINE_OUTPUT]?.Value).toEqual({ Ref: machineIdOf('Teardown') });
    expect(outputs[REGISTRY_TABLE_OUTPUT]?.Value).toEqual({ Ref: Object.keys(template.findResources('AWS::DynamoDB::Table'))[0] });
    expect(outputs[STATE_MACHINE_OUTPUT]?.Value).toEqual({ Ref: machineIdOf('Provision') });
    expect(flat(outputs[API_URL_OUTPUT]?.Value)).toMatch(/^https:\/\/\$\{CatalogApi.*\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\}\/\$\{CatalogApiDeploymentStagev1.*\}\/$/);
  });

  it('passes cdk-nag AwsSolutions (synthesis throws on a finding), and every acknowledgement answers a real finding with a reason', () => {
    // GIVEN the findings cdk-nag reports when acknowledgements are ignored
    const everyFinding = new AwsSolutionsChecks();
    (everyFinding as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const findings = everyFinding.validateScope(stack).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })),
    );
    // WHEN the acknowledgements recorded on the constructs are read
    const acknowledgements = stack.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
    );
    // THEN each one covers a finding at or under its construct, and says why
    expect(acknowledgements.length).toBeGreaterThan(20);
    const stale = acknowledgements.filter(({ path, id }) => !findings.some((finding) => finding.rule === id && (finding.path === path || finding.path.startsWith(`${path}/`))));
    expect(stale).toEqual([]);
    for (const { reason } of acknowledgements) expect(reason.length).toBeGreaterThan(20);
  });

  it('passes cfn-lint (W3005, the redundant DependsOn CDK writes next to a GetAtt, is ignored)', () => {
    const lint = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', templatePath], { encoding: 'utf8' });
    if (lint.error) throw new Error(`cfn-lint could not run (${lint.error.message}): install it with pip install cfn-lint`);
    expect({ status: lint.status, output: `${lint.stdout}${lint.stderr}` }).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('fails early, saying what to do, on a function name prefix that is too long or would cover the probe functions', () => {
    expect(() => createApp({ functionNamePrefix: 'x'.repeat(31) })).toThrow(/functionNamePrefix must be 1 to 30/);
    expect(() => createApp({ functionNamePrefix: 'lambda-egress' })).toThrow(/would cover the probe functions/);
  });
});
