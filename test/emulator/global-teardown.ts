import { isProcessAlive } from '../../statemachine/moto-server';

export default async function globalTeardown(): Promise<void> {
  const emulator = globalThis.__LAMBDA_EGRESS_EMULATOR__;
  if (!emulator) return;
  await emulator.proxy.close();
  await emulator.moto.stop();
  if (isProcessAlive(emulator.moto.pid)) {
    throw new Error(`moto_server (pid ${emulator.moto.pid}) is still running after teardown`);
  }
  process.stdout.write(`\nmoto_server pid ${emulator.moto.pid} stopped; none left behind.\n`);
}
