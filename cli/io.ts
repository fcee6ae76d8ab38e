import { installInterruptHandling } from './interrupt';

/**
 * Where the CLI writes and what it knows of its terminal: process streams in real use, string buffers in
 * tests. Colour and live redrawing are decided here once, from the stream and NO_COLOR (https://no-color.org).
 */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** The environment the CLI reads and, in local mode, prepares for the SDK and the task handlers. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Registers what must happen on Ctrl-C (stop the embedded emulator, keep the local run), in the words the
   * message names it with (`doing`), and returns its removal. The real process exits after running it; in tests
   * there are no signals.
   */
  readonly onInterrupt?: (cleanup: () => Promise<void>, doing: string) => () => void;
  /** Where a confirmation is read from (cli/confirm.ts); absent in tests that run in-process: nothing is asked. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

/** The exit codes of every subcommand (docs/usage.md "Exit codes"). */
export const EXIT = {
  /** The workflow succeeded, the plan was made, the diagnosis passed. */
  ok: 0,
  /** The workflow failed (and was rolled back), the diagnosis found a broken hop, or the CLI could not do its job. */
  failed: 1,
  /** Bad input: a bad flag, or a request the workflow rejected with InvalidRequest. */
  badInput: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, onInterrupt: installInterruptHandling().onInterrupt, stdin: process.stdin };
}

/** True when the stream is a terminal and NO_COLOR is absent or empty. */
export function colorEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export interface Palette {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { green: plain, red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** A bad flag or flag combination: exits 2 with the message, before anything is called. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function writeLine(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}
