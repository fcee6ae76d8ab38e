import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StepEvent } from '../functions/api/step-events';
import { executionsDirectory, runningSession, type EmulatorSession } from '../local/emulator-session';
import { UsageError, type CliIo } from './io';
import type { RunOutcome } from './output';

/**
 * The local runs of a session (`lambda-egress emulator start`): each execution's outcome and step events, kept
 * in the session's directory next to the emulator they changed, so that `status --local` and
 * `executions --local` answer after the command that ran them has ended. An embedded emulator (no session)
 * is gone with its command: nothing is kept for it.
 */
interface LocalExecution {
  readonly executionArn: string;
  /** The state machine's name: lambda-egress-provision, -release, -teardown. */
  readonly stateMachine: string;
  readonly name: string;
  readonly startedAt: string;
  readonly outcome: RunOutcome;
  readonly steps: readonly StepEvent[];
}

/** The execution ARN as a file name: unique per execution, and nothing a path could be built from. */
const fileOf = (env: NodeJS.ProcessEnv, executionArn: string): string => join(executionsDirectory(env), `${encodeURIComponent(executionArn)}.json`);

/**
 * Keeps the step events of a run, then its outcome; `undefined` when the run's emulator is not the session's. A
 * run the command is interrupted in (Ctrl-C, SIGTERM) is kept as ABORTED with the steps it got to: what it
 * created stays in the session's emulator, and `status --local` shows how far it went.
 */
interface LocalExecutionRecorder {
  readonly onStart: (executionArn: string) => void;
  readonly onStep: (event: StepEvent) => void;
  save(outcome: RunOutcome): void;
}

export function localExecutionRecorder(io: Pick<CliIo, 'env' | 'onInterrupt'>, endpoint: string): LocalExecutionRecorder | undefined {
  const { env } = io;
  const session = runningSession(env);
  if (!session || session.endpoint !== endpoint) return undefined;
  const steps: StepEvent[] = [];
  const startedAt = new Date().toISOString();
  let started: string | undefined;
  let saved = false;
  const removeInterrupt = io.onInterrupt?.(async () => {
    if (!started || saved) return;
    save({ mode: 'local', status: 'ABORTED', executionArn: started, error: 'Interrupted', cause: `the command running it was interrupted after ${steps.length} step event(s); what it created is still in the emulator`, durationMs: Date.now() - Date.parse(startedAt) });
  }, 'keeping the run with the local emulator');
  const save = (outcome: RunOutcome): void => {
    saved = true;
    removeInterrupt?.();
    if (!outcome.executionArn) return;
    const [, , , , , , stateMachine = '', name = ''] = outcome.executionArn.split(':');
    const execution: LocalExecution = { executionArn: outcome.executionArn, stateMachine, name, startedAt, outcome, steps };
    mkdirSync(executionsDirectory(env), { recursive: true });
    // Written whole, then renamed: a reader never sees half a file.
    const file = fileOf(env, outcome.executionArn);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(execution)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  return {
    onStart: (executionArn) => {
      started = executionArn;
    },
    onStep: (event) => steps.push(event),
    save,
  };
}

/** The running session, or a UsageError (exit 2) that says how to start one. */
function requireSession(env: NodeJS.ProcessEnv): EmulatorSession {
  const session = runningSession(env);
  if (session) return session;
  throw new UsageError(
    'No local emulator is running: local runs are kept only by the emulator of `lambda-egress emulator start` (an embedded one is gone with its command). ' +
      'Run `lambda-egress emulator start`, then the --local commands, then ask again.',
  );
}

/** One local run of the running session, or undefined when it holds none with this ARN. */
export function readLocalExecution(env: NodeJS.ProcessEnv, executionArn: string): LocalExecution | undefined {
  requireSession(env);
  try {
    return JSON.parse(readFileSync(fileOf(env, executionArn), 'utf8')) as LocalExecution;
  } catch {
    return undefined;
  }
}

/** The kept run with this ARN, when a session runs and holds one; never an error. */
export function readLocalExecutionIfKept(env: NodeJS.ProcessEnv, executionArn: string): LocalExecution | undefined {
  return runningSession(env) ? readLocalExecution(env, executionArn) : undefined;
}

/** Every local run of the running session, newest first. */
export function listLocalExecutions(env: NodeJS.ProcessEnv): LocalExecution[] {
  requireSession(env);
  let files: string[];
  try {
    files = readdirSync(executionsDirectory(env)).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((file) => JSON.parse(readFileSync(join(executionsDirectory(env), file), 'utf8')) as LocalExecution)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
