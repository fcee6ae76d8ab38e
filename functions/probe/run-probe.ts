import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { sameVpcConfig, targetPlacement } from '../function/placement';
import { vpcConfigOf } from '../function/vpc-config';
import { createClients, type AwsClients } from '../shared/clients';
import { InvalidRequest, ProbeFailed, ProbeNotReady } from '../shared/errors';
import { logger } from '../shared/logger';
import { TAG_MANAGED } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import { explainProbeFailure } from './explain';
import { getProbeFunction, probeReadiness } from './probe-function-state';
import { invokeProbe } from './probe-invoke';
import type { FailWith } from './probe-lifecycle';
import { probeFunctionName } from './probe-naming';
import { analyzeReachability, probePort } from './reachability';
import type { ProbeEvent, ProbeSlice, RunProbeInput } from './types';

/**
 * Proves egress from the subnets and security group the target function is about to get, BEFORE it gets them:
 * runs the static reachability analysis of that placement, then invokes the probe function that
 * EnsureProbeFunction put on it and checks its HTTP status. Passes, or throws ProbeFailed explaining the
 * probe's result with the analysis' diagnosis — and then the target function is never touched.
 */
export async function runProbe(clients: Pick<AwsClients, 'ec2' | 'lambda'>, input: RunProbeInput): Promise<ProbeSlice> {
  const { request } = input;
  const { url, timeoutSeconds, expectedStatuses } = request.probe;
  const placement = targetPlacement(input);
  const functionName = probeFunctionName(request.network.name);

  const probe = await getProbeFunction(clients.lambda, functionName);
  if (!probe) throw new Error(`the probe function ${functionName} does not exist: EnsureProbeFunction must run before RunProbe`);
  if (probe.Tags?.[TAG_MANAGED] !== 'true') {
    throw new InvalidRequest('network.name', `a function named ${functionName} exists and is not managed by lambda-egress; rename or delete it, or use another network name`, { functionName });
  }
  // What is proved must be what the target gets: another execution on the network may have moved the probe since.
  const probeVpc = probe.Configuration ? vpcConfigOf(probe.Configuration) : undefined;
  if (!probeVpc || !sameVpcConfig(probeVpc, placement)) {
    throw new Error(`the probe function ${functionName} is not on the target's subnets and security group (${placement.subnetIds.join(', ')}; ${placement.securityGroupIds.join(', ')}): it was changed after EnsureProbeFunction`);
  }

  const reachability = await analyzeReachability(clients.ec2, { subnetIds: placement.subnetIds, securityGroupIds: placement.securityGroupIds, port: probePort(url), ipv6: request.network.ipv6 });
  logger.info('reachability analysed', { verdict: reachability.verdict, ...(reachability.verdict === 'PASS' ? {} : { hop: reachability.hop, subnetId: reachability.subnetId }) });
  const failWith: FailWith = (result) =>
    new ProbeFailed(explainProbeFailure({ result, reachability, subnetIds: placement.subnetIds, expectedStatuses, timeoutSeconds }), {
      result,
      reachability,
      probeFunctionName: functionName,
    });

  const readiness = probeReadiness(probe.Configuration);
  if (readiness.status === 'InProgress') throw new ProbeNotReady(`${functionName} is still being set up`, { functionName });
  if (readiness.status === 'Failed') {
    throw failWith({ url, ok: false, elapsedMs: 0, error: { kind: 'other', code: readiness.code, message: `the probe function could not be set up in these subnets: ${readiness.reason}` } });
  }

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
    subnetIds: placement.subnetIds,
    securityGroupIds: placement.securityGroupIds,
    ledger: [],
  };
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
export const handler = taskHandler('RunProbe', (input: RunProbeInput) => runProbe(clients, input));
