import type { CliIo } from '../../cli/io';

/** A CliIo over strings, for running a command in-process; env is the real one (the SDK reads process.env). */
export function memoryIo(options: { isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { isTTY: options.isTTY ?? false, write: (text: string) => out.push(text) },
    stderr: { isTTY: options.isTTY ?? false, write: (text: string) => err.push(text) },
    env: options.env ?? process.env,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
