import { LambdaClient } from '@aws-sdk/client-lambda';
import { targetPlacement } from '../function/placement';
import { createClients, type AwsClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import { ensureProbeFunction, type ProbeContext } from './probe-lifecycle';
import { probeFunctionName } from './probe-naming';
import type { EnsureProbeFunctionInput, ProbeFunctionOptions, ProbeFunctionSlice } from './types';

/**
 * Creates (or brings up to date) the network's probe function on exactly the subnets and security group the
 * target function will get, inside the Parallel beside the NAT wait: Lambda creates the Hyperplane ENIs of that
 * combination for the probe now, and the target's update finds them later (probe-lifecycle.ts). Does not wait:
 * CheckProbeFunction's loop does, with Wait states.
 */
export async function ensureProbeFunctionTask(clients: Pick<AwsClients, 'lambda'>, input: EnsureProbeFunctionInput, options: ProbeFunctionOptions): Promise<ProbeFunctionSlice> {
  const { request, execution } = input;
  const vpc = targetPlacement(input);
  const functionName = probeFunctionName(request.network.name);
  const context: ProbeContext = { functionName, networkName: request.network.name, execution, vpc, timeoutSeconds: request.probe.timeoutSeconds, roleArn: options.probeRoleArn };
  const ledger = await ensureProbeFunction(clients.lambda, context);
  return { functionName, subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds, ledger };
}

const clients = createClients({ lambda: LambdaClient });
export const handler = taskHandler('EnsureProbeFunction', (input: EnsureProbeFunctionInput) =>
  ensureProbeFunctionTask(clients, input, { probeRoleArn: process.env.PROBE_ROLE_ARN }),
);
