import { applySdkEnvironment, silenceTaskLogs } from '../cli/local-environment';
import { startMotoServer, type MotoServer } from '../statemachine/moto-server';
import { startFaultProxy, type FaultProxy } from '../test/emulator/fault-proxy';

/**
 * The benchmark's AWS: one moto server this process starts, behind the test suite's fault proxy (which logs
 * every call per account and applies fault rules). The SDK environment points at the proxy, with dummy
 * credentials whatever the caller's shell holds: a benchmark never reaches real AWS.
 */
export interface BenchEmulator {
  readonly motoEndpoint: string;
  readonly proxyEndpoint: string;
  readonly motoPid: number;
  readonly region: string;
  /** Stops the proxy and moto (by its pid). Safe to call twice. */
  stop(): Promise<void>;
}

export const BENCH_REGION = 'us-east-1';
const BENCH_ACCESS_KEY_ID = 'AKIALAMBDAEGRESSBENCH';

export async function startBenchEmulator(): Promise<BenchEmulator> {
  const moto: MotoServer = await startMotoServer();
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy(moto.endpoint);
  } catch (error) {
    await moto.stop();
    throw error;
  }

  const env = process.env;
  for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
    delete env[key];
  }
  env.AWS_ACCESS_KEY_ID = BENCH_ACCESS_KEY_ID;
  env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
  const region = applySdkEnvironment(env, proxy.endpoint, BENCH_REGION);
  // test/emulator/emulator.ts (account switch, call log, fault rules) finds the proxy and moto through these.
  env.LAMBDA_EGRESS_TEST_ENDPOINT = proxy.endpoint;
  env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT = moto.endpoint;
  silenceTaskLogs(env);

  // A benchmark killed half-way must not leave moto behind.
  const killMoto = (): void => {
    try {
      process.kill(moto.pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  };
  process.once('exit', killMoto);

  let stopped: Promise<void> | undefined;
  return {
    motoEndpoint: moto.endpoint,
    proxyEndpoint: proxy.endpoint,
    motoPid: moto.pid,
    region,
    stop: () => {
      stopped ??= (async () => {
        await proxy.close().catch(() => undefined);
        await moto.stop();
        process.removeListener('exit', killMoto);
      })();
      return stopped;
    },
  };
}
