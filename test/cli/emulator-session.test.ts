import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../local/moto-server';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS * 2);

describe('lambda-egress emulator start | status | stop (a local session)', () => {
  it('runs one emulator in the background that the --local commands share, until it is stopped', async () => {
    // GIVEN a user without any emulator configured (no AWS_ENDPOINT_URL), with a home for the session
    const env: NodeJS.ProcessEnv = { LAMBDA_EGRESS_HOME: mkdtempSync(join(tmpdir(), 'lambda-egress-home-')), AWS_ENDPOINT_URL: '' };
    let motoPid: number | undefined;
    try {
      // WHEN they start the emulator
      const started = await runCli(['emulator', 'start'], env);
      // THEN it says where it runs, with the line for other tools
      expect(started.code).toBe(0);
      const endpoint = /export AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout)?.[1];
      expect(endpoint).toBeDefined();
      const session = JSON.parse(readFileSync(join(env.LAMBDA_EGRESS_HOME ?? '', 'emulator.json'), 'utf8')) as { motoPid: number };
      motoPid = session.motoPid;

      // AND a second start, status, the demo and a diagnosis after it all use that one emulator
      const again = await runCli(['emulator', 'start'], env);
      expect([again.code, again.stdout]).toEqual([0, expect.stringContaining(`Already running: the local emulator at ${endpoint}`)]);
      expect((await runCli(['emulator', 'status'], env)).code).toBe(0);
      const demo = await runCli(['provision', '--demo', '-q'], env);
      expect([demo.code, demo.stdout]).toEqual([0, expect.stringContaining('has internet egress')]);
      const diagnosis = await runCli(['diagnose', '--local', '--function', 'lambda-egress-demo'], env);
      expect(diagnosis.stderr).toContain(`using the local emulator at ${endpoint}`);
      expect([diagnosis.code, diagnosis.stdout]).toEqual([0, expect.stringContaining('✔ PASS')]);
      // AND the demo's run is still there to look at, by the ARN it printed
      const arn = /execution:\s+(arn:aws:states:\S+)/.exec(demo.stdout)?.[1];
      expect(arn).toBeDefined();
      const status = await runCli(['status', '--local', arn ?? ''], env);
      expect([status.code, status.stdout]).toEqual([0, expect.stringContaining(`SUCCEEDED  ${arn}`)]);
      expect((await runCli(['executions', '--local'], env)).stdout).toContain(arn);
      expect(isProcessAlive(motoPid)).toBe(true);
    } finally {
      // WHEN they stop it
      const stopped = await runCli(['emulator', 'stop'], env);
      // THEN moto is gone, and status says none runs (exit 1)
      expect([stopped.code, stopped.stdout]).toEqual([0, expect.stringContaining('Stopped the local emulator')]);
    }
    expect(motoPid !== undefined && isProcessAlive(motoPid)).toBe(false);
    const status = await runCli(['emulator', 'status'], env);
    expect([status.code, status.stdout]).toEqual([1, expect.stringContaining('No local emulator is running')]);
    // AND the runs it held went with it: asked for them, the CLI says how to start an emulator (exit 2)
    const runs = await runCli(['executions', '--local'], env);
    expect([runs.code, runs.stderr]).toEqual([2, expect.stringContaining('lambda-egress emulator start')]);
  });
});
