/** The emulators global-setup.ts started, one per jest worker, as JSON in this environment variable. */
export const EMULATORS_ENV = 'LAMBDA_EGRESS_TEST_EMULATORS';

export interface WorkerEmulator {
  readonly proxyEndpoint: string;
  readonly motoEndpoint: string;
}

/** This jest worker's emulator (JEST_WORKER_ID counts from 1; in band it is 1), or undefined outside jest. */
export function workerEmulator(env: NodeJS.ProcessEnv = process.env): WorkerEmulator | undefined {
  const listed = env[EMULATORS_ENV];
  if (!listed) return undefined;
  const emulators = JSON.parse(listed) as WorkerEmulator[];
  const worker = Number(env.JEST_WORKER_ID ?? '1');
  return emulators[(Math.max(1, worker) - 1) % emulators.length];
}
