import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { sameVpcConfig, targetPlacement } from '../function/placement';
import { vpcConfigOf } from '../function/vpc-config';
import { createClients, type AwsClients } from '../shared/clients';
import { InvalidRequest, NetworkNeedsRepair, ProbeFailed, ProbeNotReady } from '../shared/errors';
import { logger } from '../shared/logger';
import { TAG_MANAGED } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import { explainProbeFailure } from './explain';
import { getProbeFunction, probeReadiness } from './probe-function-state';
import { invokeProbe } from './probe-invoke';
import type { FailWith } from './probe-lifecycle';
import type { ProbeResult } from './probe';
import { probeFunctionName } from './probe-naming';
import { analyzeReachability, probePort } from './reachability';
import type { JoinProbeSlice, ProbeEvent, ProbeSlice, ReachabilityVerdict, RunProbeInput } from './types';

/**
 * Proves egress from the subnets and security group the target function is about to get, BEFORE it gets them:
 * runs the static reachability analysis of that placement, then invokes the probe function that
 * EnsureProbeFunction put on it and checks its HTTP status. Passes, or throws ProbeFailed explaining the
 * probe's result with the analysis' diagnosis — and then the target function is never touched.
 */
export async function runProbe(clients: Pick<AwsClients, 'ec2' | 'lambda'>, input: RunProbeInput): Promise<ProbeSlice | JoinProbeSlice> {
  const { request } = input;
  // A join that took its network from the registry record: CheckJoinNetwork runs the analysis beside this task,
  // so the probe is invoked at once and the analysis is made here only to explain a failure.
  const joinFromRecord = input.lock?.recorded !== undefined;
  const { url, timeoutSeconds, expectedStatuses } = request.probe;
  const placement = targetPlacement(input);
  const functionName = probeFunctionName(request.network.name);

  const probe = await getProbeFunction(clients.lambda, functionName);
  if (!probe && joinFromRecord) throw new NetworkNeedsRepair(`the probe function ${functionName} of network "${request.network.name}" is missing: the join changes nothing and repairs it under the network's exclusive lock`, { functionName });
  if (!probe) throw new Error(`the probe function ${functionName} does not exist: EnsureProbeFunction must run before RunProbe`);
  if (probe.Tags?.[TAG_MANAGED] !== 'true') {
    throw new InvalidRequest('network.name', `a function named ${functionName} exists and is not managed by lambda-egress; rename or delete it, or use another network name`, { functionName });
  }
  // What is proved must be what the target gets: another execution on the network may have moved the probe since.
  const probeVpc = probe.Configuration ? vpcConfigOf(probe.Configuration) : undefined;
  if (!probeVpc || !sameVpcConfig(probeVpc, placement)) {
    throw new Error(`the probe function ${functionName} is not on the target's subnets and security group (${placement.subnetIds.join(', ')}; ${placement.securityGroupIds.join(', ')}): it was changed after EnsureProbeFunction`);
  }

  const analyse = async (): Promise<ReachabilityVerdict> => {
    const verdict = await analyzeReachability(clients.ec2, { subnetIds: placement.subnetIds, securityGroupIds: placement.securityGroupIds, port: probePort(url), ipv6: request.network.ipv6 });
    logger.info('reachability analysed', { verdict: verdict.verdict, ...(verdict.verdict === 'PASS' ? {} : { hop: verdict.hop, subnetId: verdict.subnetId }) });
    return verdict;
  };
  const analysed = joinFromRecord ? undefined : await analyse();
  const explained = (result: ProbeResult, reachability: ReachabilityVerdict): ProbeFailed =>
    new ProbeFailed(explainProbeFailure({ result, reachability, subnetIds: placement.subnetIds, expectedStatuses, timeoutSeconds }), {
      result,
      reachability,
      probeFunctionName: functionName,
    });
  const failWith: FailWith = async (result) => explained(result, analysed ?? (await analyse()));

  const readiness = probeReadiness(probe.Configuration);
  if (readiness.status === 'InProgress') throw new ProbeNotReady(`${functionName} is still being set up`, { functionName });
  if (readiness.status === 'Failed') {
    throw await failWith({ url, ok: false, elapsedMs: 0, error: { kind: 'other', code: readiness.code, message: `the probe function could not be set up in these subnets: ${readiness.reason}` } });
  }

  const event: ProbeEvent = { url, timeoutSeconds, expectedStatuses };
  const result = await invokeProbe(clients.lambda, functionName, event, failWith);
  logger.info('probe answered', { ok: result.ok, statusCode: result.statusCode, elapsedMs: result.elapsedMs, errorKind: result.error?.kind });
  if (!result.ok) throw await failWith(result);
  return {
    passed: true,
    expectedStatuses,
    result,
    ...(analysed ? { reachability: analysed } : {}),
    probeFunctionName: functionName,
    subnetIds: placement.subnetIds,
    securityGroupIds: placement.securityGroupIds,
    ledger: [],
  };
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
export const handler = taskHandler('RunProbe', (input: RunProbeInput) => runProbe(clients, input));
