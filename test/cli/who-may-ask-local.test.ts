import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CDK_JSON_ENV } from '../../local/target-scope-config';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * `lambda-egress provision --local` with the stack's scope in a cdk.json (the file `npx cdk deploy` reads):
 * the refusal the deployed stack would give, exit 2, nothing created.
 */
function cdkJsonWith(scope: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lambda-egress-cdk-')), 'cdk.json');
  writeFileSync(path, JSON.stringify({ app: 'npx tsx infra/app.ts', context: { 'lambda-egress:scope': scope } }));
  return path;
}

/** What the run changed, beyond what the stack would provide (the probe's and ENI cleanup roles in IAM, the registry table). */
async function workflowMutations(): Promise<string[]> {
  return mutatingCalls((await emulator.calls()).filter((call) => call.service !== 'iam' && !['CreateTable', 'UpdateTimeToLive'].includes(call.action)));
}

describe('lambda-egress provision --local: who may ask', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('fails with exit 2, FunctionNotAllowed naming targetFunctions.namePatterns, for a function outside the cdk.json scope, and creates nothing (as a process)', async () => {
    // GIVEN cdk.json scoping the stack to team-a-* and a function of team b
    const cdkJson = cdkJsonWith({ targetFunctions: { namePatterns: ['team-a-*'] } });
    await createSampleFunction('team-b-x');
    await emulator.clearCalls();
    // WHEN the CLI provisions it locally
    const run = await runCli(['provision', '--local', '-f', 'team-b-x', '--network', 'shared', '--quiet'], { [CDK_JSON_ENV]: cdkJson });
    // THEN exit 2 with the rule and the fix
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/✖ FunctionNotAllowed: targetFunctions\.namePatterns: team-b-x matches none of the stack's scope name patterns team-a-\*/);
    expect(run.stderr).toContain('rejected before anything was created');
    // AND nothing was created or changed
    expect(await workflowMutations()).toEqual([]);
    expect((await new EC2Client({}).send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:lambda-egress:network', Values: ['shared'] }] }))).Vpcs).toEqual([]);
  });

  it('fails with exit 2 naming targetFunctions.requiredTag for an untagged function, in the --json document too (as a process)', async () => {
    const cdkJson = cdkJsonWith({ targetFunctions: { requiredTag: { key: 'lambda-egress:allowed', value: 'true' } } });
    await createSampleFunction('untagged');
    await emulator.clearCalls();
    const run = await runCli(['provision', '--local', '-f', 'untagged', '--json'], { [CDK_JSON_ENV]: cdkJson });
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout) as { status: string; error: { name: string; message: string } };
    expect(document.status).toBe('FAILED');
    expect(document.error.name).toBe('FunctionNotAllowed');
    expect(document.error.message).toMatch(/^targetFunctions\.requiredTag: untagged has no tag lambda-egress:allowed/);
    expect(await workflowMutations()).toEqual([]);
  });
});
