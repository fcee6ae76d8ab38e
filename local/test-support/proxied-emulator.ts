import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { applySdkEnvironment, silenceTaskLogs } from '../local-environment';
import { startMotoServer, type MotoServer } from '../moto-server';

/**
 * One moto server this process starts, behind the fault proxy (which logs every call per access key, i.e. per
 * account, and applies fault rules): the tests' and the benchmark's AWS. emulator-control.ts (account switch,
 * call log, fault rules) finds the proxy and moto through LAMBDA_EGRESS_TEST_ENDPOINT and
 * LAMBDA_EGRESS_TEST_MOTO_ENDPOINT, which the start sets.
 */
export interface ProxiedEmulator {
  readonly motoEndpoint: string;
  readonly proxyEndpoint: string;
  readonly motoPid: number;
  /** Stops the proxy and moto (by its pid). Safe to call twice. */
  stop(): Promise<void>;
}

export async function startProxiedEmulator(env: NodeJS.ProcessEnv = process.env): Promise<ProxiedEmulator> {
  const moto: MotoServer = await startMotoServer();
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy(moto.endpoint);
  } catch (error) {
    await moto.stop();
    throw error;
  }
  env.LAMBDA_EGRESS_TEST_ENDPOINT = proxy.endpoint;
  env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT = moto.endpoint;

  // A process that ends half-way (an error, Ctrl-C after its handlers) must not leave moto behind.
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

/** A proxied emulator that this process's SDK talks to, in `region`. */
export interface IsolatedEmulator extends ProxiedEmulator {
  readonly region: string;
}

const ISOLATED_REGION = 'us-east-1';
const ISOLATED_ACCESS_KEY_ID = 'AKIALAMBDAEGRESSBENCH';

/**
 * The benchmark's AWS: a proxied emulator with this process's SDK environment pointed at the proxy, with dummy
 * credentials whatever the caller's shell holds, so that nothing it runs can reach real AWS. Task logs are silenced.
 */
export async function startIsolatedEmulator(): Promise<IsolatedEmulator> {
  const env = process.env;
  const emulator = await startProxiedEmulator(env);
  for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
    delete env[key];
  }
  env.AWS_ACCESS_KEY_ID = ISOLATED_ACCESS_KEY_ID;
  env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
  const region = applySdkEnvironment(env, emulator.proxyEndpoint, ISOLATED_REGION);
  silenceTaskLogs(env);
  return { ...emulator, region };
}
