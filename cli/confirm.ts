import { createInterface } from 'node:readline';
import type { CliIo } from './io';

/**
 * Asks before a destructive command when a person is at a terminal (stdin and stderr are TTYs), as `cdk destroy`
 * does; `--yes` skips it (cdk's --force), and scripts and pipes, which cannot answer, are not asked. True to go on.
 */
export async function confirmed(io: CliIo, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes || !io.stdin?.isTTY || io.stderr.isTTY !== true) return true;
  const readline = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = await new Promise<string>((resolve) => {
      readline.question(`${question} [y/N] `, resolve);
      // Ctrl-D (end of input) is a no.
      readline.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}
