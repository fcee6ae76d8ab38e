import { parseArguments } from './args';
import { checkCommandValues } from './check-values';
import { completionCommand } from './completion';
import { processIo, type CliIo } from './io';

/**
 * The lambda-egress command: `main(argv, io)` parses (commander) and runs one subcommand, returning its exit
 * code. cli/bin.cjs and `tsx cli/main.ts` call it with the process's arguments and streams.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const command = await parseArguments(argv, io);
  if (command.command === 'exit') return command.code;
  // Values commander accepts but the command cannot use (an empty --vpc-id, a --diagram nowhere): refused now.
  const problem = checkCommandValues(command);
  if (problem) {
    io.stderr.write(`error: ${problem}\n(run with --help for usage)\n`);
    return 2;
  }
  // A shell runs `completion` at every start: its script is printed without loading the AWS SDK either.
  if (command.command === 'completion') return completionCommand(command, io);
  // Loaded only for a real command: --help and usage errors answer without loading the AWS SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCommand } = require('./run') as typeof import('./run');
  return runCommand(command, io);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
