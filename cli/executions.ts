import type { ParsedCommand } from './parsed-command';
import { colorEnabled, EXIT, palette, writeLine, type CliIo, type ExitCode } from './io';
import { writeJson } from './json-output';
import { listLocalExecutions } from './local-executions';
import { formatDuration } from './progress';

type ExecutionsCommand = Extract<ParsedCommand, { command: 'executions' }>;

/** `lambda-egress executions --local`: one line a run of the local session, newest first, with what to ask next. */
export function executionsCommand(command: ExecutionsCommand, io: CliIo): ExitCode {
  const executions = listLocalExecutions(io.env);
  if (command.output.json) {
    writeJson(io, 'executions', {
      status: 'SUCCEEDED',
      executions: executions.map(({ executionArn, stateMachine, name, startedAt, outcome }) => ({
        executionArn,
        stateMachine,
        name,
        startedAt,
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.durationMs !== undefined ? { durationMs: outcome.durationMs } : {}),
      })),
    });
    return EXIT.ok;
  }
  if (executions.length === 0) {
    writeLine(io.stdout, 'The local emulator holds no runs yet: provision, release and teardown with --local add theirs.');
    return EXIT.ok;
  }
  const colors = palette(colorEnabled(io.stdout, io.env));
  for (const { executionArn, startedAt, outcome } of executions) {
    const label = outcome.status.padEnd(9);
    const status = outcome.status === 'SUCCEEDED' ? colors.green(label) : colors.red(label);
    const took = outcome.durationMs !== undefined ? `  ${formatDuration(outcome.durationMs)}` : '';
    writeLine(io.stdout, `${status}  ${startedAt}${took}${outcome.error ? `  ${outcome.error}` : ''}`);
    writeLine(io.stdout, `  ${executionArn}`);
  }
  if (!command.output.quiet) writeLine(io.stdout, colors.dim('\n`lambda-egress status --local <arn>` shows a run\'s steps and result.'));
  return EXIT.ok;
}
