import { CreateFunctionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { vpcConfigOf } from '../function/vpc-config';
import type { FunctionVpcConfig } from '../function/types';
import { awsErrorName, InvalidRequest, ProbeNotReady, type ProbeFailed } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { TAG_EXECUTION, TAG_MANAGED, TAG_NETWORK, TAG_ROLE } from '../shared/tags';
import type { ExecutionContext, LedgerEntry } from '../shared/types';
import { PROBE_HANDLER, probeCodeSha256, probeCodeZip } from './probe-code';
import { getProbeFunction } from './probe-function-state';
import type { ProbeResult } from './types';

/**
 * The probe function's lifecycle: created on the target's future subnets and security group (tagged, ledgered
 * by the execution that creates it), else brought up to date in place. EnsureProbeFunction calls it inside the
 * Parallel, beside the NAT wait, and CheckProbeFunction waits until Lambda has made it Active: Lambda creates a
 * Hyperplane ENI per subnet + security group combination and reuses it for every function of the account on
 * that combination ("Lambda reuses the Hyperplane ENI for other VPC-enabled functions in your account that use
 * the same subnet and security group combination", Lambda developer guide, VPC networking for Lambda,
 * https://docs.aws.amazon.com/lambda/latest/dg/foundation-networking.html#foundation-nw-eni-man; and "Connecting
 * additional functions to the same VPC configuration (subnet and security group) that has an existing
 * Lambda-managed network interface is much quicker than creating a new network interface",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html). So the probe pays the ENI creation
 * while the NAT gateways are pending, and the target's own update later finds the ENIs there.
 */

const PROBE_RUNTIME = 'nodejs22.x';
const PROBE_MEMORY_MB = 128;
/** Beyond the probe's own time-out: DNS, TLS set-up and the runtime's start inside the invocation. */
const PROBE_TIMEOUT_MARGIN_SECONDS = 5;

export interface ProbeContext {
  readonly functionName: string;
  readonly networkName: string;
  readonly execution: ExecutionContext;
  readonly vpc: FunctionVpcConfig;
  readonly timeoutSeconds: number;
  readonly roleArn: string | undefined;
}

/**
 * Turns a probe result into the ProbeFailed that RunProbe throws, explained with the reachability analysis; async
 * when the analysis is made only on failure (a join from the registry record: run-probe.ts).
 */
export type FailWith = (result: ProbeResult) => ProbeFailed | Promise<ProbeFailed>;

/**
 * Finds or creates the probe function and brings its code and configuration up to date; does not wait for it
 * (CheckProbeFunction does). Throws ProbeNotReady while an earlier create or update is still being applied.
 */
export async function ensureProbeFunction(lambda: LambdaClient, probe: ProbeContext): Promise<LedgerEntry[]> {
  const zip = probeCodeZip();
  const existing = await getProbeFunction(lambda, probe.functionName);
  const ledger: LedgerEntry[] = [];
  let configuration: FunctionConfiguration | undefined;

  if (!existing) {
    configuration = await createProbeFunction(lambda, probe, zip);
    logger.info('probe function created', { functionName: probe.functionName });
    ledger.push(ledgerEntry('probe-function', probe.functionName, { detail: { networkName: probe.networkName } }));
  } else {
    const tags = existing.Tags ?? {};
    if (tags[TAG_MANAGED] !== 'true') {
      throw new InvalidRequest(
        'network.name',
        `a function named ${probe.functionName} exists and is not managed by lambda-egress; lambda-egress never changes what it did not create: rename or delete that function, or use another network name`,
        { functionName: probe.functionName },
      );
    }
    // Created by this execution before a retry: adopt it and ledger it again.
    if (tags[TAG_EXECUTION] === probe.execution.id) {
      ledger.push(ledgerEntry('probe-function', probe.functionName, { detail: { networkName: probe.networkName } }));
    }
    configuration = existing.Configuration;
    // One update at a time: Lambda refuses a second while the first is in progress.
    if (isBusy(configuration)) throw notReady(probe.functionName, configuration);
    if (configuration?.CodeSha256 !== probeCodeSha256(zip)) {
      configuration = await updating(probe.functionName, () => lambda.send(new UpdateFunctionCodeCommand({ FunctionName: probe.functionName, ZipFile: zip })));
      logger.info('probe function code updated', { functionName: probe.functionName });
      if (isBusy(configuration)) throw notReady(probe.functionName, configuration);
    }
    if (!configurationMatches(configuration, probe)) {
      configuration = await updating(probe.functionName, () =>
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: probe.functionName, ...probeConfiguration(probe) })),
      );
      logger.info('probe function configuration updated', { functionName: probe.functionName });
    }
  }
  logger.info('probe function in place', { functionName: probe.functionName, state: configuration?.State, lastUpdateStatus: configuration?.LastUpdateStatus });

  return ledger;
}

async function createProbeFunction(lambda: LambdaClient, probe: ProbeContext, zip: Uint8Array): Promise<FunctionConfiguration> {
  try {
    return await lambda.send(
      new CreateFunctionCommand({
        FunctionName: probe.functionName,
        Code: { ZipFile: zip },
        PackageType: 'Zip',
        ...probeConfiguration(probe),
        Tags: {
          [TAG_MANAGED]: 'true',
          [TAG_NETWORK]: probe.networkName,
          [TAG_EXECUTION]: probe.execution.id,
          [TAG_ROLE]: 'probe',
        },
      }),
    );
  } catch (error) {
    // Another execution of the same network created it a moment ago: the retry finds and reuses it.
    if (awsErrorName(error) === 'ResourceConflictException') throw new ProbeNotReady(`${probe.functionName} is being created by another execution`, {}, { cause: error });
    throw error;
  }
}

/** Everything of the probe's configuration that lambda-egress sets, for Create and Update alike. */
function probeConfiguration(probe: ProbeContext) {
  if (!probe.roleArn) {
    throw new Error('PROBE_ROLE_ARN is not set: the stack passes RunProbe the ARN of the role the probe function runs as');
  }
  return {
    Role: probe.roleArn,
    Runtime: PROBE_RUNTIME,
    Handler: PROBE_HANDLER,
    MemorySize: PROBE_MEMORY_MB,
    Timeout: probeTimeout(probe.timeoutSeconds),
    Description: `lambda-egress probe: proves internet egress from the private subnets of network "${probe.networkName}"`.slice(0, 256),
    VpcConfig: { SubnetIds: probe.vpc.subnetIds, SecurityGroupIds: probe.vpc.securityGroupIds, Ipv6AllowedForDualStack: probe.vpc.ipv6AllowedForDualStack },
  } as const;
}

function probeTimeout(timeoutSeconds: number): number {
  return Math.min(900, Math.ceil(timeoutSeconds) + PROBE_TIMEOUT_MARGIN_SECONDS);
}

function configurationMatches(configuration: FunctionConfiguration | undefined, probe: ProbeContext): boolean {
  if (!configuration) return false;
  const vpc = vpcConfigOf(configuration);
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  return (
    configuration.Role === probe.roleArn &&
    configuration.Runtime === PROBE_RUNTIME &&
    configuration.Handler === PROBE_HANDLER &&
    configuration.MemorySize === PROBE_MEMORY_MB &&
    configuration.Timeout === probeTimeout(probe.timeoutSeconds) &&
    sameSet(vpc.subnetIds, probe.vpc.subnetIds) &&
    sameSet(vpc.securityGroupIds, probe.vpc.securityGroupIds) &&
    vpc.ipv6AllowedForDualStack === probe.vpc.ipv6AllowedForDualStack
  );
}

/** An update call; Lambda's "an update is in progress" means: come back later. */
async function updating(functionName: string, update: () => Promise<FunctionConfiguration>): Promise<FunctionConfiguration> {
  try {
    return await update();
  } catch (error) {
    if (awsErrorName(error) === 'ResourceConflictException') throw new ProbeNotReady(`${functionName} has an update in progress`, {}, { cause: error });
    throw error;
  }
}

/** Being created or updated: Pending, or an update InProgress. */
function isBusy(configuration: FunctionConfiguration | undefined): boolean {
  return configuration?.State === 'Pending' || configuration?.LastUpdateStatus === 'InProgress';
}

function notReady(functionName: string, configuration: FunctionConfiguration | undefined): ProbeNotReady {
  const state = configuration?.State ?? 'unknown';
  const update = configuration?.LastUpdateStatus ?? 'unknown';
  return new ProbeNotReady(`${functionName} is not ready yet (State ${state}, LastUpdateStatus ${update})`, { functionName, state, lastUpdateStatus: update });
}
