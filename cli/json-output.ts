import type { Command } from 'commander';
import { parseErrorMessage } from '../functions/shared/errors';
import { writeLine, type CliIo } from './io';

/**
 * The one shape of every `--json` document on stdout (cli/json-output.schema.json): `command` names the
 * subcommand, and a failure is `status: "FAILED"` with `error: { name, message, details? }` whatever failed
 * (a flag, the CLI, the workflow). The workflow's errors carry their details as a JSON line after the sentence
 * (functions/shared/errors.ts): a reader gets them as a field, the sentence alone as the message.
 */
export interface JsonError {
  readonly name: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  readonly cause?: string;
}

export function jsonError(name: string, message: string, cause?: string): JsonError {
  const { summary, details } = parseErrorMessage(message);
  return { name, message: summary, ...(Object.keys(details).length > 0 ? { details } : {}), ...(cause ? { cause } : {}) };
}

export function writeJson(io: Pick<CliIo, 'stdout'>, command: string, document: object): void {
  writeLine(io.stdout, JSON.stringify({ command, ...document }, null, 2));
}

/** A failure before or outside any workflow, as the contract has it. */
export function writeJsonFailure(io: Pick<CliIo, 'stdout'>, command: string, error: { readonly name: string; readonly message: string }): void {
  writeJson(io, command, { status: 'FAILED', error: jsonError(error.name, error.message) });
}

/** True when the command line asks for JSON: how a flag error (before parsing finished) knows to answer in it. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

/** The subcommand a command line names, when it names one the program has; else the program's own name. */
export function commandNameOf(program: Command, argv: readonly string[]): string {
  const named = program.commands.map((command) => command.name());
  return argv.find((arg) => named.includes(arg)) ?? program.name();
}
