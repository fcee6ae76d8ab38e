import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { isProcessAlive } from '../../local/moto-server';
import { cliBin, cliProcessEnv, PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/** The environment of a user with no emulator running: local mode must start (and stop) its own. */
function withoutEmulator(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...cliProcessEnv(), NO_COLOR: '1' };
  delete env.AWS_ENDPOINT_URL;
  return env;
}

/** Children still running when a test ends (a failed or timed-out test) get Ctrl-C, which stops their emulator. */
const running = new Set<ChildProcess>();
function startCli(args: string[]): ChildProcess & { stdout: Readable; stderr: Readable } {
  const child = spawn(process.execPath, [cliBin(), ...args], { env: withoutEmulator(), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('close', () => running.delete(child));
  return child;
}
afterEach(async () => {
  await Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGINT');
      return closed;
    }),
  );
});

const EMBEDDED_PID = /embedded moto server on http:\/\/127\.0\.0\.1:\d+ \(pid (\d+)\)/;

describe('local mode with the embedded emulator', () => {
  it('stops the emulator it started when interrupted with Ctrl-C, and exits 130', async () => {
    // GIVEN the demo running as a process, with no AWS_ENDPOINT_URL
    const child = startCli(['provision', '--demo']);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // WHEN it says it started moto, and then gets SIGINT
    const pid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const match = EMBEDDED_PID.exec(stdout);
        if (match) resolve(Number(match[1]));
      });
      child.on('close', () => reject(new Error(`exited before starting moto: ${stdout}${stderr}`)));
    });
    expect(isProcessAlive(pid)).toBe(true);
    child.kill('SIGINT');
    // THEN it exits as interrupted, and the emulator is gone
    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted: stopping the emulator');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('runs the demo end to end on its own emulator, prints the topology and the verdicts, and leaves no emulator behind', async () => {
    // GIVEN no emulator; WHEN `npm run demo`'s command runs as a process
    const child = startCli(['provision', '--demo']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // THEN it succeeds and says what it did
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/✔ lambda-egress-demo has internet egress through network "default" \(vpc-/);
    expect(stdout).toMatch(/reachability:\s+PASS/);
    expect(stdout).toContain('```mermaid\nflowchart LR');
    expect(stdout).toContain('Local mode: the network path was analysed, not exercised.');
    // AND the moto server it started is gone
    const pid = Number(EMBEDDED_PID.exec(stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
  });
});
