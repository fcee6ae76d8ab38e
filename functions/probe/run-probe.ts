import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { ProbeFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import { explainProbeFailure } from './explain';
import { analyzeFunctionReachability } from './function-reachability';
import { invokeProbe } from './probe-invoke';
import { ensureProbeFunction, type FailWith, type ProbeContext } from './probe-lifecycle';
import { probeFunctionName } from './probe-naming';
import { probePort } from './reachability';
import type { ProbeEvent, ProbeSlice, RunProbeInput, RunProbeOptions } from './types';

/**
 * Proves egress from the target function's own subnets and security groups: runs the static reachability
 * analysis, then invokes the probe function on the same VpcConfig and checks its HTTP status. Passes, or
 * throws ProbeFailed explaining the probe's result with the analysis' diagnosis.
 */
export async function runProbe(clients: Pick<AwsClients, 'ec2' | 'lambda'>, input: RunProbeInput, options: RunProbeOptions): Promise<ProbeSlice> {
  const { request, execution } = input;
  const { url, timeoutSeconds, expectedStatuses } = request.probe;
  const { vpcConfig: applied, verdict: reachability } = await analyzeFunctionReachability(clients, request.functionArn, { port: probePort(url), ipv6: request.network.ipv6 });
  if (applied.subnetIds.length === 0) {
    throw new Error(`${request.functionArn} is not attached to a VPC: AttachFunction must run before RunProbe`);
  }
  logger.info('reachability analysed', { verdict: reachability.verdict, ...(reachability.verdict === 'PASS' ? {} : { hop: reachability.hop, subnetId: reachability.subnetId }) });

  const functionName = probeFunctionName(request.network.name);
  const context: ProbeContext = { functionName, url, networkName: request.network.name, execution, vpc: applied, timeoutSeconds, roleArn: options.probeRoleArn };
  const failWith: FailWith = (result) =>
    new ProbeFailed(explainProbeFailure({ result, reachability, subnetIds: applied.subnetIds, expectedStatuses, timeoutSeconds }), {
      result,
      reachability,
      probeFunctionName: functionName,
    });

  const ledger = await ensureProbeFunction(clients.lambda, context, failWith);
  const event: ProbeEvent = { url, timeoutSeconds, expectedStatuses };
  const result = await invokeProbe(clients.lambda, functionName, event, failWith);
  logger.info('probe answered', { ok: result.ok, statusCode: result.statusCode, elapsedMs: result.elapsedMs, errorKind: result.error?.kind });
  if (!result.ok) throw failWith(result);
  return {
    passed: true,
    expectedStatuses,
    result,
    reachability,
    probeFunctionName: functionName,
    subnetIds: applied.subnetIds,
    securityGroupIds: applied.securityGroupIds,
    ledger,
  };
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
export const handler = taskHandler('RunProbe', (input: RunProbeInput) => runProbe(clients, input, { probeRoleArn: process.env.PROBE_ROLE_ARN }));
