import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { isProcessAlive } from '../../local/moto-server';
import { compiledCliDir } from './compiled-cli';

export default async function globalTeardown(): Promise<void> {
  const runDir = process.env.LAMBDA_EGRESS_TEST_RUN_DIR;
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  if (runDir) rmSync(compiledCliDir(basename(runDir)), { recursive: true, force: true });
  const emulators = globalThis.__LAMBDA_EGRESS_EMULATORS__ ?? [];
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  const alive = emulators.filter((emulator) => isProcessAlive(emulator.motoPid)).map((emulator) => emulator.motoPid);
  if (alive.length > 0) throw new Error(`moto_server (pid ${alive.join(', ')}) still running after teardown`);
  if (emulators.length > 0) process.stdout.write(`\nmoto_server pid ${emulators.map((emulator) => emulator.motoPid).join(', ')} stopped; none left behind.\n`);
}
