import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { forgetSession, runningSession, sessionDirectory, type EmulatorSession } from '../local/emulator-session';
import { isProcessAlive } from '../local/moto-server';
import type { ParsedCommand } from './parsed-command';
import { EXIT, writeLine, type CliIo, type ExitCode } from './io';
import { writeJson } from './json-output';

type EmulatorCommand = Extract<ParsedCommand, { command: 'emulator' }>;

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function start(io: CliIo): Promise<{ session: EmulatorSession; started: boolean }> {
  const running = runningSession(io.env);
  if (running) return { session: running, started: false };
  const log = openSync(join(ensureDirectory(io.env), 'emulator.log'), 'a');
  // Detached, in a session of its own: it outlives this command and a Ctrl-C typed at this terminal later.
  // From the sources through tsx, or compiled (the installed package's dist/, where tsx is not installed).
  const compiled = __filename.endsWith('.js');
  const daemon = join(__dirname, '..', 'local', compiled ? 'emulator-daemon.js' : 'emulator-daemon.ts');
  const child = spawn(process.execPath, compiled ? [daemon] : ['--require', require.resolve('tsx/cjs'), daemon], {
    detached: true,
    stdio: ['ignore', log, log],
    env: io.env,
  });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const session = runningSession(io.env);
    if (session) return { session, started: true };
    if (child.pid === undefined || !isProcessAlive(child.pid)) break;
    await sleep(200);
  }
  throw new Error(`The emulator did not start: see ${join(sessionDirectory(io.env), 'emulator.log')}.`);
}

function ensureDirectory(env: NodeJS.ProcessEnv): string {
  const directory = sessionDirectory(env);
  mkdirSync(directory, { recursive: true });
  return directory;
}

async function stop(io: CliIo): Promise<EmulatorSession | undefined> {
  const session = runningSession(io.env);
  if (!session) return undefined;
  process.kill(session.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline && isProcessAlive(session.pid)) await sleep(100);
  for (const pid of [session.pid, session.motoPid]) if (pid > 0 && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  forgetSession(io.env);
  return session;
}

const exportLine = (session: EmulatorSession): string => `export AWS_ENDPOINT_URL=${session.endpoint} AWS_REGION=${session.region}`;

/** `lambda-egress emulator start|stop|status`: the local session's emulator (README "A local session"). */
export async function emulatorCommand(command: EmulatorCommand, io: CliIo): Promise<ExitCode> {
  const say = (line: string) => (command.output.json ? undefined : writeLine(io.stdout, line));
  if (command.action === 'start') {
    const { session, started } = await start(io);
    if (command.output.json) writeJson(io, 'emulator', { action: 'start', running: true, started, ...session });
    say(`${started ? 'Started' : 'Already running:'} the local emulator at ${session.endpoint} (pid ${session.pid}). Every --local command uses it until \`lambda-egress emulator stop\`.`);
    say('For other tools (the AWS CLI, SDKs), point them at it:');
    say(exportLine(session));
    return EXIT.ok;
  }
  if (command.action === 'stop') {
    const stopped = await stop(io);
    if (command.output.json) writeJson(io, 'emulator', { action: 'stop', running: false, stopped: stopped !== undefined });
    say(stopped ? `Stopped the local emulator at ${stopped.endpoint}; what it held is gone.` : 'No local emulator is running.');
    return EXIT.ok;
  }
  const session = runningSession(io.env);
  if (command.output.json) writeJson(io, 'emulator', { action: 'status', running: session !== undefined, ...(session ?? {}) });
  say(session ? `Running at ${session.endpoint} (pid ${session.pid}, since ${session.startedAt}).\n${exportLine(session)}` : 'No local emulator is running: `lambda-egress emulator start` starts one.');
  return session ? EXIT.ok : EXIT.failed;
}
