import { rmSync } from 'node:fs';
import { isProcessAlive } from '../../local/moto-server';

export default async function globalTeardown(): Promise<void> {
  const runDir = process.env.LAMBDA_EGRESS_TEST_RUN_DIR;
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  const emulator = globalThis.__LAMBDA_EGRESS_EMULATOR__;
  if (!emulator) return;
  await emulator.stop();
  if (isProcessAlive(emulator.motoPid)) {
    throw new Error(`moto_server (pid ${emulator.motoPid}) is still running after teardown`);
  }
  process.stdout.write(`\nmoto_server pid ${emulator.motoPid} stopped; none left behind.\n`);
}
