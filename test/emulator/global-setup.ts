import { startMotoServer, type MotoServer } from '../../statemachine/moto-server';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

/**
 * Starts one moto server and the fault proxy in front of it for the whole run. Workers inherit the
 * endpoint through the environment; per-file-env.ts gives every test file its own account.
 */
declare global {
  var __LAMBDA_EGRESS_EMULATOR__: { moto: MotoServer; proxy: FaultProxy } | undefined;
}

export default async function globalSetup(): Promise<void> {
  let moto: MotoServer;
  try {
    moto = await startMotoServer();
  } catch (error) {
    // One line, no stack: the fix is an install, not a debugging session.
    process.stderr.write(`\n${(error as Error).message}\n`);
    process.exit(1);
  }
  const proxy = await startFaultProxy(moto.endpoint);
  globalThis.__LAMBDA_EGRESS_EMULATOR__ = { moto, proxy };
  process.env.LAMBDA_EGRESS_TEST_ENDPOINT = proxy.endpoint;
  process.env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT = moto.endpoint;
  process.env.LAMBDA_EGRESS_TEST_MOTO_PID = String(moto.pid);

  // An interrupted run (Ctrl-C, CI time-out) skips globalTeardown: stop what we started anyway.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void moto.stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  process.once('exit', () => {
    try {
      process.kill(moto.pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  });
}
