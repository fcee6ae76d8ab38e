import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from './moto-server';

/**
 * A local session: one embedded emulator (moto with the project's adjustments, behind the proxy) that runs in
 * the background between commands (`lambda-egress emulator start`), found through a state file.
 */
export interface EmulatorSession {
  /** The background process that owns the emulator; stopping it stops moto. */
  readonly pid: number;
  readonly motoPid: number;
  readonly endpoint: string;
  readonly region: string;
  readonly startedAt: string;
}

/** LAMBDA_EGRESS_HOME, else ~/.lambda-egress: where the session's state is kept. */
export function sessionDirectory(env: NodeJS.ProcessEnv): string {
  return env.LAMBDA_EGRESS_HOME ?? join(homedir(), '.lambda-egress');
}

const sessionFile = (env: NodeJS.ProcessEnv): string => join(sessionDirectory(env), 'emulator.json');

/** The running session, or undefined (none started, or its process is gone: the stale file is removed). */
export function runningSession(env: NodeJS.ProcessEnv): EmulatorSession | undefined {
  let session: EmulatorSession;
  try {
    session = JSON.parse(readFileSync(sessionFile(env), 'utf8')) as EmulatorSession;
  } catch {
    return undefined;
  }
  if (isProcessAlive(session.pid)) return session;
  forgetSession(env);
  return undefined;
}

/** A new emulator holds nothing yet: runs kept from an earlier one would describe resources it does not have. */
export function recordSession(env: NodeJS.ProcessEnv, session: EmulatorSession): void {
  rmSync(executionsDirectory(env), { recursive: true, force: true });
  mkdirSync(sessionDirectory(env), { recursive: true });
  writeFileSync(sessionFile(env), `${JSON.stringify(session, null, 2)}\n`);
}

/** Where the session keeps its local runs (cli/local-executions.ts): they describe what the emulator holds, and go with it. */
export function executionsDirectory(env: NodeJS.ProcessEnv): string {
  return join(sessionDirectory(env), 'executions');
}

export function forgetSession(env: NodeJS.ProcessEnv): void {
  rmSync(sessionFile(env), { force: true });
  rmSync(executionsDirectory(env), { recursive: true, force: true });
}
