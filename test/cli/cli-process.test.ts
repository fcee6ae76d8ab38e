import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

describe('lambda-egress as a process', () => {
  it('prints its usage with every subcommand for --help and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['provision', 'plan', 'diagnose', 'status']) expect(run.stdout).toContain(command);
  });

  it('fails with exit 2 and names the missing flag when provision gets no function', async () => {
    const run = await runCli(['provision', '--local']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--function NAME');
    expect(run.stdout).toBe('');
  });

  it('fails with exit 2 on a flag value commander rejects, and on an unknown option', async () => {
    const [azs, unknown] = await Promise.all([runCli(['provision', '-f', 'x', '--azs', 'two']), runCli(['plan', '--colour'])]);
    expect([azs.code, azs.stderr]).toEqual([2, expect.stringContaining('--azs must be a whole number from 1 to 6')]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("unknown option '--colour'")]);
  });
});
