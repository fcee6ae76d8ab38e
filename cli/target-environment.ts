import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients } from '../functions/shared/clients';
import { runningSession } from '../local/emulator-session';
import { openLocalEnvironment, type LocalEnvironment } from '../local/local-environment';
import { switchRealismOn } from '../local/realism-switch';
import { ensureDemoFunction } from '../local/sample-function';
import type { TargetFlags } from './parsed-command';
import type { CliIo } from './io';

/**
 * Local mode around a command: the emulator in AWS_ENDPOINT_URL, else an embedded one that is stopped at the
 * end and on Ctrl-C; with --demo, the sample function created in it first. `say` tells the user which.
 */
export async function withLocalEnvironment<T>(
  target: TargetFlags,
  io: CliIo,
  options: { readonly say: (line: string) => void; readonly demoFunction?: string },
  run: (environment: LocalEnvironment) => Promise<T>,
): Promise<T> {
  const session = io.env.AWS_ENDPOINT_URL ? undefined : runningSession(io.env);
  if (session) io.env.AWS_ENDPOINT_URL = session.endpoint;
  const environment = await openLocalEnvironment(io.env, target.region ? { region: target.region } : {});
  const removeInterrupt = environment.embedded ? io.onInterrupt?.(() => environment.close(), 'stopping the emulator') : undefined;
  try {
    options.say(
      environment.embedded
        ? `Local mode: started an embedded moto server on ${environment.endpoint} (pid ${environment.pid}); it stops at the end.`
        : session
          ? `Local mode: using the local emulator at ${environment.endpoint} (lambda-egress emulator start).`
          : `Local mode: using the emulator at ${environment.endpoint} (AWS_ENDPOINT_URL).`,
    );
    if (target.demo && options.demoFunction) {
      const { iam, lambda } = createClients({ iam: IAMClient, lambda: LambdaClient });
      await ensureDemoFunction(iam, lambda, options.demoFunction);
      options.say(`Demo: the sample function ${options.demoFunction} (the AWS guide's test function) is in the emulator.`);
    }
    return await run(environment);
  } finally {
    removeInterrupt?.();
    await environment.close();
  }
}

/** A read-only command (plan, diagnose) on AWS as configured, or in local mode; `run` gets the region for its clients. */
export async function withTargetEnvironment<T>(
  target: TargetFlags,
  io: CliIo,
  options: { readonly say: (line: string) => void; readonly demoFunction?: string },
  run: (region: string | undefined) => Promise<T>,
): Promise<T> {
  if (!target.local) return run(target.region);
  return withLocalEnvironment(target, io, options, (environment) => run(environment.region));
}

/** `--aws-realism [seed]`: the emulator's realism profile on for the SDK's account, from now on. */
export async function realismOn(endpoint: string, env: NodeJS.ProcessEnv, seed: number, say: (line: string) => void): Promise<void> {
  if (!Number.isInteger(seed)) throw new Error('--aws-realism: the seed must be an integer');
  await switchRealismOn(endpoint, env.AWS_ACCESS_KEY_ID ?? '', seed);
  say(`AWS realism: the emulator answers as AWS behaves (seed ${seed}; docs/aws-behaviour.md).`);
}
