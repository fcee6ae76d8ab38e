import { SFNClient } from '@aws-sdk/client-sfn';
import { readExecution } from '../functions/api/execution-history';
import { createClients } from '../functions/shared/clients';
import type { ParsedCommand } from './parsed-command';
import { regionOfArn } from './aws-mode';
import { colorEnabled, EXIT, palette, writeLine, type CliIo, type ExitCode } from './io';
import { writeJson } from './json-output';
import type { StepEvent } from '../functions/api/step-events';
import { readLocalExecution } from './local-executions';
import { exitCodeOf, formatFailure, formatSuccess, jsonOutcome, type RunOutcome } from './output';
import { onAws } from './run-outcome';
import { stepLine } from './progress';
import { StepTracker } from './steps';

type StatusCommand = Extract<ParsedCommand, { command: 'status' }>;

/** A run of the local session (cli/local-executions.ts), as Step Functions would describe it. */
function readLocally(executionArn: string, env: NodeJS.ProcessEnv): { outcome: RunOutcome; steps: readonly StepEvent[] } {
  const execution = readLocalExecution(env, executionArn);
  if (!execution) throw new LocalExecutionNotFound(`${executionArn} is no run the local emulator holds: \`lambda-egress executions --local\` lists them.`);
  return execution;
}

/** Not a run of the session's emulator (exit 1, as Step Functions' ExecutionDoesNotExist, and said as cli/run.ts says that). */
class LocalExecutionNotFound extends Error {
  override readonly name = 'ExecutionDoesNotExist';
}

async function readOnAws(executionArn: string, region: string | undefined): Promise<{ outcome: RunOutcome; steps: readonly StepEvent[] }> {
  const { outcome, steps } = await readExecution(createClients({ sfn: SFNClient }, { region: region ?? regionOfArn(executionArn) }).sfn, executionArn);
  return { outcome: onAws(outcome), steps };
}

/** An execution as Step Functions has it: steps with times, the state it is in, and how it ended. */
export async function statusCommand(command: StatusCommand, io: CliIo): Promise<ExitCode> {
  const { outcome, steps } = command.local ? readLocally(command.executionArn, io.env) : await readOnAws(command.executionArn, command.region);
  const tracker = new StepTracker();
  steps.forEach((event) => tracker.apply(event));
  const current = tracker.running().map((step) => step.name);
  const exitCode = outcome.status === 'RUNNING' ? EXIT.ok : exitCodeOf(outcome);

  if (command.output.json) {
    writeJson(io, 'status', { ...jsonOutcome(outcome), currentSteps: current, steps: tracker.steps() });
    return exitCode;
  }
  const colors = palette(colorEnabled(io.stdout, io.env));
  writeLine(io.stdout, `${colors.bold(outcome.status)}  ${command.executionArn}`);
  if (!command.output.quiet) {
    // A step an ended execution left running (interrupted, aborted) ran until the execution ended, not until now.
    const steps = tracker.steps();
    const firstStart = Math.min(...steps.map((step) => step.startedAt));
    const now = outcome.status === 'RUNNING' || outcome.durationMs === undefined || steps.length === 0 ? Date.now() : firstStart + outcome.durationMs;
    for (const step of steps) {
      const symbol = step.status === 'done' ? colors.green('✔') : step.status === 'failed' ? colors.red('✖') : colors.cyan('…');
      writeLine(io.stdout, stepLine(step, symbol, colors, now));
    }
  }
  if (outcome.status === 'RUNNING') {
    writeLine(io.stdout, `now in: ${current.join(', ') || '(between steps)'}`);
    return exitCode;
  }
  writeLine(io.stdout);
  for (const line of outcome.status === 'SUCCEEDED' ? formatSuccess(outcome, colors) : formatFailure(outcome, colors)) writeLine(io.stdout, line);
  return exitCode;
}
