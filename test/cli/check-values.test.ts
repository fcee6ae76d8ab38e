import type { ParsedCommand } from '../../cli/parsed-command';
import { checkCommandValues } from '../../cli/check-values';
import { emulator } from '../../local/test-support/emulator-control';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/** Runs the CLI as a process (commander is an ES module jest cannot load); refused before any AWS call: the call log stays empty. */
async function refusedBeforeAnyCall(argv: string[]): Promise<string> {
  await emulator.clearCalls();
  const run = await runCli(argv);
  expect(run.code).toBe(2);
  expect(await emulator.calls()).toEqual([]);
  return run.stderr;
}

const target = { local: false, demo: false };
const output = { json: false, quiet: false };
const request = { functionName: 'orders', singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false };

describe('every CLI value is checked before anything runs', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
  });

  it.each([
    ['--vpc-id', ['provision', '-f', 'orders', '--vpc-id', '']],
    ['--network', ['provision', '-f', 'orders', '--network', '']],
    ['--cidr', ['plan', '-f', 'orders', '--cidr', '']],
    ['--probe-url', ['provision', '-f', 'orders', '--probe-url', '  ']],
  ])('fails with exit 2 on an empty %s, naming the flag, with zero calls (not its default; as a process)', async (flag, argv) => {
    // GIVEN a command line whose value came from an unset variable WHEN it is run THEN it is refused naming the flag
    expect(await refusedBeforeAnyCall(argv)).toContain(`error: ${flag} is empty`);
  });

  it.each<[string, ParsedCommand]>([
    ['--function', { command: 'plan', request: { ...request, functionName: '' }, target, output, gbPerMonth: 1 }],
    ['--region', { command: 'plan', request, target: { ...target, region: '' }, output, gbPerMonth: 1 }],
    ['--diagram', { command: 'provision', request, target, output: { ...output, diagram: '' } }],
    ['--execution-name', { command: 'provision', request, target, output, executionName: ' ' }],
    ['--request', { command: 'provision', request: { ...request, requestFile: '' }, target, output }],
    ['--nat-instance', { command: 'provision', request: { ...request, natInstance: '' }, target, output }],
    ['--state-machine-arn', { command: 'provision', request, target: { ...target, stateMachineArn: '' }, output }],
    ['--stack-name', { command: 'networks', target: { ...target, stackName: '' }, output }],
    ['--table-name', { command: 'networks', target, output, tableName: '' }],
    ['--network', { command: 'teardown', network: '', target, output }],
    ['--function', { command: 'release', functionName: '', teardownIfUnused: false, target, output }],
    ['--function', { command: 'plan-lifecycle', of: 'release', name: '', teardownIfUnused: false, target, output }],
    ['--network', { command: 'plan-lifecycle', of: 'teardown', name: '', teardownIfUnused: false, target, output }],
  ])('refuses an empty %s of any command', (flag, command) => {
    expect(checkCommandValues(command)).toMatch(new RegExp(`^${flag} is empty`));
  });

  it('accepts a command whose values are all given', () => {
    expect(checkCommandValues({ command: 'plan', request: { ...request, network: 'shop', cidr: '10.0.0.0/16' }, target: { ...target, region: 'eu-west-1' }, output, gbPerMonth: 1 })).toBeUndefined();
  });

  it('fails with exit 2 on a --diagram in a directory that does not exist, before the network is built', async () => {
    const err = await refusedBeforeAnyCall(['provision', '-f', 'orders', '--local', '--diagram', '/missing/dir/x.mmd']);
    expect(err).toContain('--diagram /missing/dir/x.mmd: its directory /missing/dir does not exist');
  });

  it('fails with exit 2 on a --diagram that is a directory', async () => {
    expect(await refusedBeforeAnyCall(['provision', '-f', 'orders', '--diagram', '/tmp'])).toContain('--diagram /tmp is a directory: give a file name');
  });

  it('fails with exit 2 on a region the SDK does not know, naming --region', async () => {
    expect(await refusedBeforeAnyCall(['plan', '-f', 'orders', '--region', 'mars-north-9'])).toContain('--region mars-north-9 is not a Region the AWS SDK knows');
  });

  it('answers a missing region with --region and AWS_REGION, exit 2 (as a process, with no region anywhere)', async () => {
    // GIVEN no region in the flags, the environment or a profile
    const run = await runCli(['plan', '-f', 'orders'], { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_CONFIG_FILE: '/nonexistent/config', AWS_PROFILE: undefined, AWS_EC2_METADATA_DISABLED: 'true' });
    // THEN
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('No AWS Region: give --region (like --region us-east-1), or set AWS_REGION')]);
    // AND an empty AWS_REGION (an unset variable exported) is named as such
    const empty = await runCli(['plan', '-f', 'orders'], { AWS_REGION: '', AWS_DEFAULT_REGION: undefined, AWS_CONFIG_FILE: '/nonexistent/config' });
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('The AWS Region "" (from AWS_REGION, AWS_DEFAULT_REGION or your profile) is not a Region name')]);
  });

  it('answers missing credentials with the variables and commands that provide them, exit 2 (as a process)', async () => {
    const run = await runCli(['plan', '-f', 'orders', '--region', 'us-east-1'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
      AWS_WEB_IDENTITY_TOKEN_FILE: '',
    });
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('No AWS credentials found: configure them (aws configure, aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)')]);
  });
});
