import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The aws-cdk CLI of the project's devDependencies. */
export const PROJECT_ROOT = join(__dirname, '..', '..');
const CDK_BIN = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');

export interface CdkRun {
  readonly output: string;
  readonly seconds: number;
}

/**
 * Runs `cdk <args>` in `cwd` with exactly `env` (no AWS profile or endpoint leaks in from the caller) and
 * fails with the end of its output when it exits non-zero.
 */
export async function runCdk(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CdkRun> {
  const started = Date.now();
  const child = spawn(CDK_BIN, [...args, '--no-notices', '--ci'], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`cdk ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`);
  return { output, seconds: (Date.now() - started) / 1000 };
}
