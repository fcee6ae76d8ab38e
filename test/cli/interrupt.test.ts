import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cliBin, cliProcessEnv, PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * The pids of the moto servers `pid` started. Only moto: tsx's esbuild service is a child too, and it starts
 * before the CLI has installed its signal handlers. Read from /proc (the kernel's list of the process's children,
 * then each child's command line), not by running `ps`: this is asked every 20 ms, and a `ps` per call scanned
 * every process of the machine and blocked this worker's event loop while the CLI under test waited for a core.
 */
function motoChildrenOf(pid: number): number[] {
  return readProc(`/proc/${pid}/task/${pid}/children`)
    .split(' ')
    .map((child) => Number.parseInt(child, 10))
    .filter((child) => child > 0 && readProc(`/proc/${child}/cmdline`).includes('moto_server'));
}

/** A /proc file's text, or '' when the process has gone meanwhile. */
function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Running, not a zombie: a killed orphan stays in the process table until a reaper (not every container's pid 1) collects it. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

interface Interrupted {
  readonly code: number | null;
  readonly stderr: string;
  readonly msToExit: number;
  readonly motoPids: number[];
}

/**
 * `provision --demo` with an embedded emulator as a real child process; SIGINT once `ready` says the phase has
 * come (checked on every output chunk and every 20 ms), then how long the process took to end.
 */
function interruptWhen(ready: (output: string, children: readonly number[]) => boolean): Promise<Interrupted> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...cliProcessEnv(), NO_COLOR: '1' };
  delete env.AWS_ENDPOINT_URL; // the embedded emulator, which the CLI must stop
  const child = spawn(process.execPath, [cliBin(), 'provision', '--demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  let signalledAt: number | undefined;
  const motoPids = new Set<number>();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (signalledAt !== undefined || child.pid === undefined) return;
      const children = motoChildrenOf(child.pid);
      children.forEach((pid) => motoPids.add(pid));
      if (!ready(output, children)) return;
      signalledAt = Date.now();
      child.kill('SIGINT');
    };
    const timer = setInterval(check, 20);
    child.stdout?.on('data', (chunk: Buffer) => ((output += chunk.toString('utf8')), check()));
    child.stderr?.on('data', (chunk: Buffer) => ((output += chunk.toString('utf8')), (stderr += chunk.toString('utf8')), check()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (signalledAt === undefined) return reject(new Error(`the run ended before its phase came:\n${output}`));
      resolve({ code, stderr, msToExit: Date.now() - signalledAt, motoPids: [...motoPids] });
    });
  });
}

const PHASES: ReadonlyArray<[string, (output: string, children: readonly number[]) => boolean]> = [
  ['the embedded emulator is starting', (output, children) => children.length > 0 && !output.includes('Local mode:')],
  ['the demo function is being created', (output) => output.includes('Local mode: started an embedded moto server')],
  ['ValidateRequest runs', (output) => output.includes('▸ ValidateRequest')],
  ['the NAT gateways are being created', (output) => output.includes('▸ EnsureNatGateway')],
  ['the probe runs', (output) => output.includes('▸ RunProbe')],
];

describe('Ctrl-C', () => {
  it.each(PHASES)('ends the CLI within 5 s with its emulator stopped when it comes while %s', async (_phase, ready) => {
    // GIVEN provision --demo running as a real process with its own embedded moto server
    // WHEN it receives SIGINT in this phase
    const run = await interruptWhen(ready);

    // THEN it exits 130 within 5 s, and the moto server it started is gone
    expect(run.motoPids.length).toBeGreaterThan(0);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Interrupted');
    expect(run.msToExit).toBeLessThan(5_000);
    expect(run.motoPids.filter(isRunning)).toEqual([]);
  });
});
