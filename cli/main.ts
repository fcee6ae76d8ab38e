import { parseArguments } from './args';
import { processIo, type CliIo } from './io';
import { runCommand } from './run';

/**
 * The lambda-egress command: `main(argv, io)` parses (commander) and runs one subcommand, returning its exit
 * code. cli/bin.cjs and `tsx cli/main.ts` call it with the process's arguments and streams.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runCommand(await parseArguments(argv, io), io);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
