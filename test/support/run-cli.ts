import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { compiledBin, compiledProcessEnv } from './compiled-sources';

/** The checkout's bin: cli/main.ts through tsx. */
export const BIN = join(__dirname, '..', '..', 'cli', 'bin.cjs');

/** The bin a CLI process test spawns: the run's compiled CLI in the end-to-end lane, else (the unit lane) the checkout's. */
export function cliBin(): string {
  return compiledBin() ?? BIN;
}

/** What a CLI process's environment adds (the compiled CLI's compile cache). */
export const cliProcessEnv = compiledProcessEnv;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the lambda-egress bin as a user would (a child process on this Node), with the test's AWS environment. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin(), ...args], { env: { ...process.env, ...cliProcessEnv(), NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * For test files that run the CLI as a process: each child loads tsx and the AWS SDK from scratch, which on a
 * loaded machine (CI runs the suites in parallel) can take tens of seconds before any AWS call.
 */
export const PROCESS_TEST_TIMEOUT_MS = 180_000;
