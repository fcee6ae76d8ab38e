import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, TagResourceCommand } from '@aws-sdk/client-lambda';
import { validateRequest } from '../../functions/validate/validation';
import { FunctionNotAllowed } from '../../functions/shared/errors';
import type { TargetScope } from '../../functions/shared/target-scope';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { execution } from '../support/workflow';

/** ValidateRequest against the stack's scope, on the emulator: inside goes on, outside is FunctionNotAllowed naming the rule. */
const clients = { ec2: new EC2Client({}), lambda: new LambdaClient({}) };
const validate = (functionName: string, scope: TargetScope) => validateRequest(clients, { input: { functionName }, execution: execution('scope') }, scope);

async function refusal(run: Promise<unknown>): Promise<FunctionNotAllowed> {
  const error = await run.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof FunctionNotAllowed)) throw new Error(`expected FunctionNotAllowed, got ${String(error)}`);
  return error;
}

describe('ValidateRequest: the stack scope', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('team-a-x', 'team-a-exec');
    await createSampleFunction('team-b-x', 'team-b-exec');
    const tagged = await createSampleFunction('tagged-fn');
    await clients.lambda.send(new TagResourceCommand({ Resource: tagged.FunctionArn!, Tags: { 'lambda-egress:allowed': 'true' } }));
  });

  it('goes on for a function matching the name patterns', async () => {
    const state = await validate('team-a-x', { targetFunctions: { namePatterns: ['team-a-*'] } });
    expect(state.request.functionName).toBe('team-a-x');
  });

  it('fails FunctionNotAllowed naming targetFunctions.namePatterns for a function outside them, with zero mutating calls', async () => {
    // GIVEN the scope team-a-* WHEN team-b-x is requested
    await emulator.clearCalls();
    const error = await refusal(validate('team-b-x', { targetFunctions: { namePatterns: ['team-a-*'] } }));
    // THEN the rule and the fix are named, and nothing was changed
    expect(error.summary).toMatch(/^targetFunctions\.namePatterns: team-b-x matches none of the stack's scope name patterns team-a-\*: ask the platform team to widen/);
    expect(error.details).toMatchObject({ rule: 'targetFunctions.namePatterns', namePatterns: ['team-a-*'] });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('goes on for a function carrying the required tag, and fails naming targetFunctions.requiredTag for one without it', async () => {
    const scope: TargetScope = { targetFunctions: { requiredTag: { key: 'lambda-egress:allowed', value: 'true' } } };
    expect((await validate('tagged-fn', scope)).request.functionName).toBe('tagged-fn');
    const error = await refusal(validate('team-a-x', scope));
    expect(error.summary).toBe(
      'targetFunctions.requiredTag: team-a-x has no tag lambda-egress:allowed, and the stack\'s scope requires lambda-egress:allowed="true": ask the platform team to widen the stack\'s scope (LambdaEgressStack props, or the cdk.json context "lambda-egress:scope"), or request a function inside it',
    );
  });

  it('fails naming targetRoles.namePatterns for a function whose execution role is outside them', async () => {
    const scope: TargetScope = { targetRoles: { namePatterns: ['team-a-*'] } };
    expect((await validate('team-a-x', scope)).request.functionName).toBe('team-a-x');
    const error = await refusal(validate('team-b-x', scope));
    expect(error.summary).toMatch(/^targetRoles\.namePatterns: the execution role of team-b-x \(arn:aws:iam::\d+:role\/team-b-exec\) matches none of the stack's role patterns team-a-\*/);
  });
});
