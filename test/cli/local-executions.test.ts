import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ParsedCommand } from '../../cli/parsed-command';
import envelope from '../../cli/json-output.schema.json';
import provisionSchema from '../../cli/output.schema.json';
import { runCommand } from '../../cli/run';
import { forgetSession, recordSession } from '../../local/emulator-session';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { memoryIo } from '../support/memory-io';
import { cliBin, cliProcessEnv } from '../support/run-cli';

jest.setTimeout(120_000);

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
ajv.addSchema(provisionSchema);
const validate = ajv.compile(envelope);

const target = { local: true, demo: false } as const;
const output = (json = false) => ({ json, quiet: false }) as const;

/** A command as cli/args.ts parses it (commander is ESM, which jest does not load), run in-process with the real environment. */
async function cli(command: ParsedCommand): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ env: process.env });
  const code = await runCommand(command, io);
  return { code, out: io.out(), err: io.err() };
}

const status = (executionArn: string, json = false): ParsedCommand => ({ command: 'status', executionArn, local: true, output: output(json) });
const executions = (json = false): ParsedCommand => ({ command: 'executions', output: output(json) });

/**
 * The session of `lambda-egress emulator start`, as its daemon records it, around the test's own emulator: this
 * process stands in for the daemon (test/cli/emulator-session.test.ts runs the real one as a process).
 */
function startSession(): void {
  process.env.LAMBDA_EGRESS_HOME = mkdtempSync(join(tmpdir(), 'lambda-egress-home-'));
  recordSession(process.env, { pid: process.pid, motoPid: 0, endpoint: process.env.AWS_ENDPOINT_URL ?? '', region: process.env.AWS_REGION ?? 'us-east-1', startedAt: new Date().toISOString() });
}

afterEach(() => {
  forgetSession(process.env);
  delete process.env.LAMBDA_EGRESS_HOME;
});

describe('status --local and executions --local: the runs of the local session', () => {
  it('answers for a provision and a release after the commands that ran them ended', async () => {
    // GIVEN a local session and a function in its emulator
    startSession();
    await emulator.freshAccount();
    await createSampleFunction('orders');

    // WHEN the function is provisioned and released with --local
    const provisioned = await cli({
      command: 'provision',
      request: { functionName: 'orders', network: 'shop', singleNat: true, azs: 1, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
      target,
      output: output(),
    });
    expect(provisioned.code).toBe(0);
    const arn = /status --local (arn:aws:states:\S+:execution:lambda-egress-provision:\S+)`/.exec(provisioned.out)?.[1];
    expect(arn).toBeDefined();
    expect((await cli({ command: 'release', functionName: 'orders', teardownIfUnused: false, target, output: output(), yes: true })).code).toBe(0);

    // THEN status --local shows the provision's steps and result as it ended
    const shown = await cli(status(arn ?? ''));
    expect([shown.code, shown.err]).toEqual([0, '']);
    expect(shown.out).toContain(`SUCCEEDED  ${arn}`);
    expect(shown.out).toMatch(/✔ ValidateRequest/);
    expect(shown.out).toContain('orders has internet egress through network "shop"');
    // AND as --json in the one contract, with its steps
    const json = await cli(status(arn ?? '', true));
    const document = JSON.parse(json.out) as { command: string; status: string; mode: string; steps: { name: string; status: string }[] };
    expect(validate(document)).toBe(true);
    expect(document).toMatchObject({ command: 'status', status: 'SUCCEEDED', mode: 'local' });
    expect(document.steps.map((step) => step.status)).not.toContain('running');
    // AND executions --local lists both runs, newest first
    const listed = await cli(executions(true));
    const runs = (JSON.parse(listed.out) as { executions: { stateMachine: string; status: string; executionArn: string }[] }).executions;
    expect(runs.map((run) => [run.stateMachine, run.status])).toEqual([
      ['lambda-egress-release', 'SUCCEEDED'],
      ['lambda-egress-provision', 'SUCCEEDED'],
    ]);
    expect(runs[1]?.executionArn).toBe(arn);
    expect((await cli(executions())).out).toContain(arn);
  });

  it('keeps a run whose command was interrupted (Ctrl-C) as ABORTED, with the steps it got to, and frees its locks', async () => {
    // GIVEN a local session and a function in its emulator
    startSession();
    await emulator.freshAccount();
    await createSampleFunction('orders');

    // WHEN provision --local runs as a real process (the session's emulator, this file's account) and gets SIGINT while its NAT gateways are created
    const child = spawn(process.execPath, [cliBin(), 'provision', '-f', 'orders', '--network', 'shop', '--local'], { env: { ...process.env, ...cliProcessEnv(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    const code = await new Promise<number | null>((resolve, reject) => {
      const read = (chunk: Buffer): void => {
        printed += chunk.toString('utf8');
        if (printed.includes('▸ EnsureNatGateway') && child.signalCode === null && !child.killed) child.kill('SIGINT');
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect([code, printed]).toEqual([130, expect.stringContaining('Interrupted')]);

    // THEN executions --local lists it as ABORTED, and status --local shows how far it went
    const listed = await cli(executions(true));
    const runs = (JSON.parse(listed.out) as { executions: { stateMachine: string; status: string; executionArn: string }[] }).executions;
    expect(runs.map((run) => [run.stateMachine, run.status])).toEqual([['lambda-egress-provision', 'ABORTED']]);
    const shown = await cli(status(runs[0]?.executionArn ?? ''));
    expect(shown.out).toContain(`ABORTED  ${runs[0]?.executionArn}`);
    expect(shown.out).toMatch(/✔ EnsureVpc/);
    const json = JSON.parse((await cli(status(runs[0]?.executionArn ?? '', true))).out) as { status: string; error: unknown };
    expect(validate(json)).toBe(true);
    expect(json).toMatchObject({ status: 'ABORTED', error: expect.objectContaining({ cause: expect.stringContaining('was interrupted') }) });
    // AND its locks were freed, as AWS's rule on an ABORTED execution frees them: the same provision runs again at once
    expect(printed).toContain('freeing its locks');
    const again = await cli({ command: 'provision', request: { functionName: 'orders', network: 'shop', singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false }, target, output: output() });
    expect([again.code, again.err]).toEqual([0, expect.not.stringContaining('FunctionBusy')]);
  });

  it('says which execution it does not hold (exit 1) and lists nothing of an emulator it did not run in', async () => {
    // GIVEN a fresh session
    startSession();
    // WHEN asked for an execution it never ran
    const unknown = await cli(status('arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:nothing-here'));
    // THEN exit 1, naming it and the command that lists the runs
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('error: No such execution: arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:nothing-here is no run the local emulator holds');
    expect(unknown.err).toContain('lambda-egress executions --local');
    const listed = await cli(executions());
    expect([listed.code, listed.out]).toEqual([0, expect.stringContaining('holds no runs yet')]);
  });

  it('without a running local emulator, says so with the command that starts one (exit 2)', async () => {
    // GIVEN a home where no emulator was started
    process.env.LAMBDA_EGRESS_HOME = mkdtempSync(join(tmpdir(), 'lambda-egress-home-'));
    for (const command of [status('arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:x'), executions()]) {
      // WHEN a local run is asked for
      const asked = await cli(command);
      // THEN exit 2 and the way to start one, nothing on stdout
      expect([command.command, asked.code, asked.out]).toEqual([command.command, 2, '']);
      expect(asked.err).toContain('No local emulator is running');
      expect(asked.err).toContain('lambda-egress emulator start');
    }
  });
});
