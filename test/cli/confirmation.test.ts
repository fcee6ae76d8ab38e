import { spawn } from 'node:child_process';
import { BIN, PROCESS_TEST_TIMEOUT_MS, type CliRun } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * The CLI in a pseudo-terminal, as a person runs it: util-linux `script` gives it a pty for stdin and its
 * output, and passes `answer` on once the question is on screen.
 */
function inTerminal(args: readonly string[], answer: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.AWS_ENDPOINT_URL; // were it asked, the command would start an emulator of its own: the test shows it is not
  const commandLine = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qec', commandLine, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (!answered && stdout.includes('[y/N]')) {
      answered = true;
      child.stdin.write(answer);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

describe('confirmation before a destructive command on a terminal', () => {
  it('asks before a teardown, and changes nothing when the answer is no (exit 1)', async () => {
    // GIVEN a person at a terminal
    // WHEN they run a teardown without --yes and answer n
    const run = await inTerminal(['teardown', '--local', '--network', 'shop'], 'n\r');

    // THEN the question named the network, and the CLI stopped before starting anything
    expect(run.stdout).toContain('Tear down network "shop"');
    expect(run.stdout).toContain('Not confirmed: nothing was changed.');
    expect(run.stdout).not.toContain('Local mode:');
    expect(run.code).toBe(1);
  });

  it('asks before a release too, and takes Ctrl-D as no', async () => {
    const run = await inTerminal(['release', '--local', '--function', 'orders'], '\x04');
    expect(run.stdout).toContain('Release orders');
    expect(run.stdout).toContain('Not confirmed: nothing was changed.');
    expect(run.code).toBe(1);
  });

  it('does not ask with --yes', async () => {
    // WHEN --yes is given (the teardown of a network the emulator has not: already gone)
    const run = await inTerminal(['teardown', '--local', '--network', 'shop', '--yes'], 'n\r');
    // THEN no question, and the command ran
    expect(run.stdout).not.toContain('[y/N]');
    expect(run.stdout).toContain('Network "shop" is already gone');
    expect(run.code).toBe(0);
  });
});
