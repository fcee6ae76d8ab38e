import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxiedEmulator, type ProxiedEmulator } from '../../local/proxied-emulator';

/**
 * Starts one moto server and the fault proxy in front of it for the whole run. Workers inherit the
 * endpoint through the environment; per-file-env.ts gives every test file its own account.
 */
declare global {
  var __LAMBDA_EGRESS_EMULATOR__: ProxiedEmulator | undefined;
}

export default async function globalSetup(): Promise<void> {
  let emulator: ProxiedEmulator;
  try {
    emulator = await startProxiedEmulator(process.env);
  } catch (error) {
    // One line, no stack: the fix is an install, not a debugging session.
    process.stderr.write(`\n${(error as Error).message}\n`);
    process.exit(1);
  }
  globalThis.__LAMBDA_EGRESS_EMULATOR__ = emulator;
  process.env.LAMBDA_EGRESS_TEST_MOTO_PID = String(emulator.motoPid);
  // What test files of this run share (e.g. a scenario's clean run, recorded once: test/statemachine/fault-suite.ts).
  process.env.LAMBDA_EGRESS_TEST_RUN_DIR = mkdtempSync(join(tmpdir(), 'lambda-egress-test-run-'));

  // An interrupted run (Ctrl-C, CI time-out) skips globalTeardown: stop what we started anyway.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void emulator.stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
}
