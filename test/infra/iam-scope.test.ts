import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/app';
import { TARGET_SCOPE_CONTEXT, TARGET_SCOPE_ENV } from '../../functions/shared/target-scope';
import type { TaskName } from '../../functions/shared/task-registry';
import { ACCOUNT, REGION, type IamRequest } from './iam/iam-requests';
import { evaluate } from './iam/simulate';
import { synthesizedTaskRoles, type TaskRole } from './iam/task-roles';
import { cachedTemplate } from '../support/synth-cache';

/**
 * The stack's scope (targetFunctions, targetRoles) as AWS would evaluate the task roles, by
 * @cloud-copilot/iam-simulate (moto evaluates no IAM): a function or role inside the scope may be changed, one
 * outside it may not, and the product's own functions stay denied whatever the scope says.
 */
const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
const ALLOWED_TAG = { key: 'lambda-egress:allowed', value: 'true' };

const update = (name: string, tags: Record<string, string> = {}): IamRequest => ({
  action: 'lambda:UpdateFunctionConfiguration',
  resourceType: 'function',
  resource: functionArn(name),
  context: Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
  why: 'AttachFunction sets the VpcConfig',
});
const attachPolicy = (role: string): IamRequest => ({ action: 'iam:AttachRolePolicy', resourceType: 'role', resource: roleArn(role), context: { 'iam:PolicyARN': VPC_ACCESS }, why: 'AttachVpcAccessPolicy' });

/** The verdict of each task in `tasks` on `request`. */
async function verdicts(roles: Record<TaskName, TaskRole>, tasks: readonly TaskName[], request: IamRequest): Promise<string[]> {
  return Promise.all(tasks.map((task) => evaluate(roles[task], request)));
}

const CHANGING_TASKS: TaskName[] = ['AttachFunction', 'Rollback', 'RestoreFunction'];

describe('IAM simulation of the stack scope: targetFunctions.namePatterns', () => {
  let roles: ReturnType<typeof synthesizedTaskRoles>;
  beforeAll(() => {
    roles = synthesizedTaskRoles({ targetFunctions: { namePatterns: ['team-a-*'] }, targetRoles: { namePatterns: ['team-a-*'] } });
  });

  it('allows AttachFunction, Rollback and RestoreFunction to update team-a-x', async () => {
    // GIVEN the scope team-a-* WHEN each changing task updates team-a-x THEN AWS would allow it
    expect(await verdicts(roles, CHANGING_TASKS, update('team-a-x'))).toEqual(['Allowed', 'Allowed', 'Allowed']);
  });

  it('fails for every task on team-b-x: no role of the stack may update a function outside the scope', async () => {
    const allowed = (await verdicts(roles, Object.keys(roles) as TaskName[], update('team-b-x'))).filter((verdict) => verdict === 'Allowed');
    expect(allowed).toEqual([]);
  });

  it("fails for every task on the product's own functions, even inside the name patterns", async () => {
    // GIVEN a scope that also covers the stack's own prefix
    const wide = synthesizedTaskRoles({ targetFunctions: { namePatterns: ['team-a-*', 'LambdaEgress-*'] } });
    // THEN the explicit Deny still wins
    expect(await verdicts(wide, CHANGING_TASKS, update('LambdaEgress-Rollback'))).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied', 'ExplicitlyDenied']);
    expect(await verdicts(wide, CHANGING_TASKS, update('team-a-x'))).toEqual(['Allowed', 'Allowed', 'Allowed']);
  });

  it('attaches the VPC access policy to a team-a role only (targetRoles), and fails for another role', async () => {
    expect(await evaluate(roles.AttachVpcAccessPolicy, attachPolicy('team-a-exec'))).toBe('Allowed');
    expect(await evaluate(roles.AttachVpcAccessPolicy, attachPolicy('team-b-exec'))).toBe('ImplicitlyDenied');
  });

  it('still lets ValidateRequest read a function outside the scope (read-only), so it can refuse it by name', async () => {
    const read = (action: string): IamRequest => ({ action, resourceType: 'function', resource: functionArn('team-b-x'), context: {}, why: 'ValidateRequest' });
    expect([await evaluate(roles.ValidateRequest, read('lambda:GetFunctionConfiguration')), await evaluate(roles.ValidateRequest, read('lambda:ListTags'))]).toEqual(['Allowed', 'Allowed']);
    expect(await evaluate(roles.ValidateRequest, update('team-b-x'))).toBe('ImplicitlyDenied');
  });
});

describe('IAM simulation of the stack scope: targetFunctions.requiredTag', () => {
  let roles: ReturnType<typeof synthesizedTaskRoles>;
  beforeAll(() => {
    roles = synthesizedTaskRoles({ targetFunctions: { requiredTag: ALLOWED_TAG } });
  });

  it('allows an update of a function tagged lambda-egress:allowed=true', async () => {
    expect(await verdicts(roles, CHANGING_TASKS, update('any-fn', { [ALLOWED_TAG.key]: 'true' }))).toEqual(['Allowed', 'Allowed', 'Allowed']);
  });

  it('fails for an untagged function, and for one whose tag has another value', async () => {
    expect(await verdicts(roles, CHANGING_TASKS, update('any-fn'))).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    expect(await verdicts(roles, CHANGING_TASKS, update('any-fn', { [ALLOWED_TAG.key]: 'false' }))).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it("fails for the product's own functions even when tagged", async () => {
    expect(await verdicts(roles, CHANGING_TASKS, update('LambdaEgress-AttachFunction', { [ALLOWED_TAG.key]: 'true' }))).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied', 'ExplicitlyDenied']);
  });
});

describe('the default scope: account-wide, as before', () => {
  it("allows any function and role, the product's own functions denied", async () => {
    const roles = synthesizedTaskRoles();
    expect(await evaluate(roles.AttachFunction, update('team-b-x'))).toBe('Allowed');
    expect(await evaluate(roles.AttachFunction, update('LambdaEgress-Rollback'))).toBe('ExplicitlyDenied');
    expect(await evaluate(roles.AttachVpcAccessPolicy, attachPolicy('team-b-exec'))).toBe('Allowed');
  });
});

describe('cdk-nag with a scope, given in the cdk.json context', () => {
  it('synthesizes with the AwsSolutions pack green (synthesis throws on a finding), the scope in the roles and in ValidateRequest', () => {
    // GIVEN the scope in the context `npx cdk synth` passes from cdk.json
    const scope = { targetFunctions: { namePatterns: ['team-a-*'], requiredTag: ALLOWED_TAG }, targetRoles: { namePatterns: ['team-a-*'] } };
    // WHEN it is synthesized (the synthesis cache holds only a synthesis that passed) THEN cdk-nag finds nothing unacknowledged
    const template = Template.fromJSON(
      cachedTemplate({
        name: 'app-with-scope',
        inputs: scope,
        sources: [__filename],
        synthesize: () => {
          const outdir = mkdtempSync(join(tmpdir(), 'lambda-egress-scope-'));
          process.env[cxapi.CONTEXT_ENV] = JSON.stringify({ [cxapi.BUNDLING_STACKS]: [], [TARGET_SCOPE_CONTEXT]: scope });
          let built: ReturnType<typeof createApp>;
          try {
            built = createApp({}, outdir);
          } finally {
            delete process.env[cxapi.CONTEXT_ENV];
          }
          try {
            return built.app.synth().getStackByName(built.stack.stackName).template as Record<string, unknown>;
          } finally {
            rmSync(outdir, { recursive: true, force: true });
          }
        },
      }),
    );
    // AND ValidateRequest carries the same scope, and AttachFunction's role names the pattern with the tag condition
    const validate = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'LambdaEgress-ValidateRequest' } }))[0] as { Properties: { Environment: { Variables: Record<string, string> } } };
    expect(JSON.parse(validate.Properties.Environment.Variables[TARGET_SCOPE_ENV]!)).toEqual(scope);
    const attach = JSON.stringify(template.findResources('AWS::IAM::Role', { Properties: { Description: 'lambda-egress AttachFunction: only the calls this function makes' } }));
    expect(attach).toContain(':function:team-a-*');
    expect(attach).toContain('"aws:ResourceTag/lambda-egress:allowed":"true"');
    expect(attach).not.toContain(':function:*"');
  }, 300_000);

  it('fails at synthesis, naming the field, on a scope that would silently mean everything or nothing', () => {
    expect(() => createApp({ targetFunctions: { namePatterns: ['*'] } })).toThrow(/targetFunctions.namePatterns: "\*" matches everything/);
    expect(() => createApp({ targetFunctions: {} })).toThrow(/targetFunctions needs namePatterns, requiredTag or both/);
    expect(() => createApp({ targetRoles: { namePatterns: [] } })).toThrow(/targetRoles.namePatterns must be a non-empty list/);
  });
});
