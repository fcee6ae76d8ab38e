import type { ParsedCommand } from '../../cli/parsed-command';
import { runCommand } from '../../cli/run';
import { memoryIo } from './memory-io';

/** Runs one parsed command in-process, with the real environment (the SDK reads it): its exit code and what it printed. */
export async function runInMemory(command: ParsedCommand): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ env: process.env });
  const code = await runCommand(command, io);
  return { code, out: io.out(), err: io.err() };
}
