import { openLocalEnvironment } from './local-environment';
import { forgetSession, recordSession } from './emulator-session';

/**
 * The background process of `lambda-egress emulator start`: an embedded emulator that lives until SIGTERM
 * (`emulator stop`) or SIGINT, then stops moto and forgets the session.
 */
async function serve(): Promise<void> {
  const env = process.env;
  delete env.AWS_ENDPOINT_URL; // always an emulator of its own, never one it was pointed at
  const environment = await openLocalEnvironment(env, env.AWS_REGION ? { region: env.AWS_REGION } : {});
  recordSession(env, { pid: process.pid, motoPid: environment.pid ?? 0, endpoint: environment.endpoint, region: environment.region, startedAt: new Date().toISOString() });
  const stop = (): void => {
    forgetSession(env);
    void environment.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

serve().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
