import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPOSITORY = join(__dirname, '..');

export interface DemoWallTime {
  readonly wallMs: number;
  readonly exitCode: number | null;
  /** The CLI's last lines, to show what the run ended with. */
  readonly tail: string[];
}

/**
 * `npm run demo` as a user runs it: a fresh process that starts its own embedded moto server, provisions the
 * sample function locally and stops the server. The environment is the one the benchmark started with, minus
 * anything that would point the CLI at another emulator or at real credentials.
 */
export async function measureDemo(originalEnv: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<DemoWallTime> {
  const env: NodeJS.ProcessEnv = { ...originalEnv, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (/^(AWS_|LAMBDA_EGRESS_TEST_|PROBE_ROLE_ARN$)/.test(key)) delete env[key];
  }
  const started = performance.now();
  // Its own process group, so that a time-out stops npm, tsx, the CLI and its moto server together.
  const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: REPOSITORY, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stopGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = (): void => {
    stopGroup('SIGTERM');
    setTimeout(() => stopGroup('SIGKILL'), 10_000).unref();
  };
  const timer = setTimeout(stop, timeoutMs);
  // Ctrl-C reaches the benchmark's process group, not the demo's: pass it on, then end as the signal says.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    stop();
  };
  const killOnExit = (): void => stopGroup('SIGKILL');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killOnExit);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('exit', killOnExit);
  if (interrupted) process.kill(process.pid, interrupted);
  const wallMs = performance.now() - started;
  const tail = output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0 && !line.startsWith('npm warn'))
    .slice(-4);
  return { wallMs, exitCode, tail };
}
