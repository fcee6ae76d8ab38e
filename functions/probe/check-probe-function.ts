import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { ProbeFailed } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import { getProbeFunction, probeReadiness } from './probe-function-state';
import { probeFunctionName } from './probe-naming';
import type { CheckProbeFunctionInput, ProbeFunctionCheck } from './types';

/**
 * One look at the probe function: `InProgress` while Lambda creates it or applies its update (Pending: its
 * Hyperplane ENIs are being created; the state machine waits and looks again) or `Ready`. A probe function that
 * Lambda could not set up in these subnets throws ProbeFailed: the target would fail the same way there, and it
 * has not been touched.
 */
export async function checkProbeFunction(clients: Pick<AwsClients, 'lambda'>, input: CheckProbeFunctionInput): Promise<ProbeFunctionCheck> {
  const functionName = probeFunctionName(input.request.network.name);
  const found = await getProbeFunction(clients.lambda, functionName);
  if (!found) throw new Error(`the probe function ${functionName} is gone: EnsureProbeFunction must run before CheckProbeFunction (deleted meanwhile?)`);
  const configuration = found.Configuration;
  const readiness = probeReadiness(configuration);
  if (readiness.status === 'Failed') {
    const subnetIds = configuration?.VpcConfig?.SubnetIds ?? [];
    throw new ProbeFailed(
      `Lambda could not set up the probe function ${functionName} in subnets ${subnetIds.join(', ')}: ${readiness.reason} (${readiness.code}); the function would fail the same way there, so it was not moved`,
      {
        probeFunctionName: functionName,
        result: { url: input.request.probe.url, ok: false, elapsedMs: 0, error: { kind: 'other', code: readiness.code, message: readiness.reason } },
      },
    );
  }
  return { status: readiness.status, functionName, state: configuration?.State ?? 'unknown', lastUpdateStatus: configuration?.LastUpdateStatus ?? 'unknown' };
}

const clients = createClients({ lambda: LambdaClient });
export const handler = taskHandler('CheckProbeFunction', (input: CheckProbeFunctionInput) => checkProbeFunction(clients, input));
