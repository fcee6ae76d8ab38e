import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Config } from '@jest/types';
import { startProxiedEmulator, type ProxiedEmulator } from '../../local/test-support/proxied-emulator';
import { EMULATORS_ENV, type WorkerEmulator } from './worker-emulator';
import { COMPILED_SOURCES_ENV } from '../support/compiled-sources';
import { DEFINITIONS_VALIDATED_ENV } from '../support/validated-definitions';
import { PROVISION_DEFINITION_PATH, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { validateDefinition } from '../../statemachine/local-runner';
import { compileCli, compiledCliDir } from './compiled-cli';

/**
 * Starts one moto server, with the fault proxy in front of it, per jest worker: moto answers on one thread at a
 * time (Python's GIL), so workers sharing one server queue behind each other while a core stays idle.
 * per-file-env.ts points each test file at its worker's emulator and gives it its own account.
 */
declare global {
  var __LAMBDA_EGRESS_EMULATORS__: ProxiedEmulator[] | undefined;
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  // What test files of this run share (e.g. a scenario's clean run, recorded once: test/support/fault-suite.ts).
  const runDir = mkdtempSync(join(tmpdir(), 'lambda-egress-test-run-'));
  process.env.LAMBDA_EGRESS_TEST_RUN_DIR = runDir;
  // The CLI (and the clean-run recorder) compiled for the processes tests start (compiled-cli.ts), while the moto servers start.
  const compiled = compileCli(compiledCliDir(basename(runDir)));
  compiled.catch(() => undefined); // awaited below, unless an emulator failed first
  const started = await Promise.allSettled(Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, () => startProxiedEmulator({})));
  const emulators = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  globalThis.__LAMBDA_EGRESS_EMULATORS__ = emulators;
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    // One line, no stack: the fix is an install, not a debugging session.
    process.stderr.write(`\n${(failure.reason as Error).message}\n`);
    process.exit(1);
  }
  const forWorkers: WorkerEmulator[] = emulators.map(({ proxyEndpoint, motoEndpoint }) => ({ proxyEndpoint, motoEndpoint }));
  process.env[EMULATORS_ENV] = JSON.stringify(forWorkers);
  try {
    process.env[COMPILED_SOURCES_ENV] = await compiled;
    // Once here rather than in every test file that runs a workflow (test/support/validated-definitions.ts).
    for (const path of [PROVISION_DEFINITION_PATH, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH]) validateDefinition(path);
    process.env[DEFINITIONS_VALIDATED_ENV] = 'true';
  } catch (error) {
    // jest runs no global teardown after a failed global setup: stop the moto servers here.
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    throw error;
  }

  // An interrupted run (Ctrl-C, CI time-out) skips globalTeardown: stop what we started anyway.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void Promise.all(emulators.map((emulator) => emulator.stop())).finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
}
