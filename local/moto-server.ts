import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** A moto server this process started and therefore owns; `stop` ends exactly that pid. */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const MOTO_INSTALL_HINT = 'moto_server not found on PATH: install it with pip install "moto[server]==5.2.1"';

export class MotoServerMissing extends Error {
  override readonly name = 'MotoServerMissing';
  constructor() {
    super(MOTO_INSTALL_HINT);
  }
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The AWS managed policies the emulator's accounts hold: those the workflow attaches, the CDK stack's roles
 * use, and the tests name. moto would otherwise parse and copy all of about 1,400 into each new account
 * (local/moto-python/sitecustomize.py trims them; a name moto does not know stops the server at start-up).
 */
const MANAGED_POLICIES_KEPT = ['AWSLambdaVPCAccessExecutionRole', 'AWSLambdaBasicExecutionRole', 'AdministratorAccess'] as const;

/**
 * What moto spends most of its single-threaded CPU on when tests open a fresh account per test: its default
 * AMIs (about 1,200 objects per account and region; nothing here runs an instance from them, and moto checks no
 * AMI id by default) and the full set of AWS managed policies (see MANAGED_POLICIES_KEPT).
 */
function leanAccountsEnvironment(): NodeJS.ProcessEnv {
  return {
    MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    MOTO_EC2_LOAD_DEFAULT_AMIS: 'false',
    LAMBDA_EGRESS_MOTO_MANAGED_POLICIES: MANAGED_POLICIES_KEPT.join(','),
    PYTHONPATH: [join(__dirname, 'moto-python'), process.env.PYTHONPATH].filter(Boolean).join(delimiter),
  };
}

/**
 * Starts `moto_server` on a free loopback port with AWS managed policies loaded and Lambda docker-less,
 * so that local mode needs no Docker (with lean accounts: leanAccountsEnvironment), and waits until it answers.
 */
export async function startMotoServer(options: { readyTimeoutMs?: number } = {}): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...leanAccountsEnvironment() },
    stdio: 'ignore',
  });
  // A process that ends before stop (Ctrl-C while moto starts, process.exit in a signal handler) takes moto with it.
  const killOnExit = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!spawned || child.pid === undefined) {
    process.removeListener('exit', killOnExit);
    throw new MotoServerMissing();
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const pid = child.pid;
  const server: MotoServer = {
    endpoint,
    port,
    pid,
    stop: async () => {
      await stopChild(child);
      process.removeListener('exit', killOnExit);
    },
  };
  try {
    await waitUntilAnswering(endpoint, child, options.readyTimeoutMs ?? 30_000);
    // Must precede any resource creation: switching later hides what was created before.
    await post(`${endpoint}/moto-api/config`, { lambda: { use_docker: false } });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw child.exitCode === 127 ? new MotoServerMissing() : new Error(`moto_server exited with code ${child.exitCode}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** True while a process with this pid exists (signal 0 probes without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
