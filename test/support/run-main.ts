import { main } from '../../cli/main';
import type { CliRun } from './run-cli';
import { memoryIo } from './memory-io';

/**
 * Runs the lambda-egress command in this process (cli/main.ts `main`, what cli/bin.cjs calls), for a test about
 * what it prints and its exit code rather than about the process: no child loading tsx and the CLI's modules
 * again for each command line. test/cli/cli-process.test.ts keeps running the bin as a process.
 */
export async function runMain(args: readonly string[]): Promise<CliRun> {
  const io = memoryIo({ env: { ...process.env, NO_COLOR: '1' } });
  const code = await main(args, io);
  return { code, stdout: io.out(), stderr: io.err() };
}
