import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { FunctionVpcConfig } from '../function/types';
import { vpcConfigOf } from '../function/vpc-config';
import { createClients, type AwsClients } from '../shared/clients';
import { awsErrorName, InvalidRequest, isNotFound, ProbeFailed, ProbeNotReady } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { TAG_EXECUTION, TAG_MANAGED, TAG_NETWORK, TAG_ROLE } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { ExecutionContext, LedgerEntry } from '../shared/types';
import { explainProbeFailure } from './explain';
import { PROBE_HANDLER, probeCodeSha256, probeCodeZip } from './probe-code';
import { probeFunctionName } from './probe-naming';
import { analyzeReachability, probePort } from './reachability';
import type { ProbeEvent, ProbeResult, ProbeSlice, RunProbeInput, RunProbeOptions } from './types';

const PROBE_RUNTIME = 'nodejs22.x';
const PROBE_MEMORY_MB = 128;
/** Beyond the probe's own time-out: DNS, TLS set-up and the runtime's start inside the invocation. */
const PROBE_TIMEOUT_MARGIN_SECONDS = 5;
/** Invoke errors that mean Lambda could not place a function in these subnets: the target shares the problem. */
const PLACEMENT_ERRORS = /^(EC2|ENI|Subnet|InvalidSubnet|InvalidSecurityGroup|InvalidZip)/;

/**
 * Proves egress from the target function's own subnets and security groups: runs the static reachability
 * analysis, then invokes the probe function on the same VpcConfig and checks its HTTP status. Passes, or
 * throws ProbeFailed explaining the probe's result with the analysis' diagnosis.
 */
export async function runProbe(clients: Pick<AwsClients, 'ec2' | 'lambda'>, input: RunProbeInput, options: RunProbeOptions): Promise<ProbeSlice> {
  const { request, execution } = input;
  const { url, timeoutSeconds, expectedStatuses } = request.probe;
  const target = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: request.functionArn }));
  const applied = vpcConfigOf(target);
  if (applied.subnetIds.length === 0) {
    throw new Error(`${request.functionArn} is not attached to a VPC: AttachFunction must run before RunProbe`);
  }
  const reachability = await analyzeReachability(clients.ec2, {
    subnetIds: applied.subnetIds,
    securityGroupIds: applied.securityGroupIds,
    port: probePort(url),
    ipv6: request.network.ipv6,
  });
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

interface ProbeContext {
  readonly functionName: string;
  readonly url: string;
  readonly networkName: string;
  readonly execution: ExecutionContext;
  readonly vpc: FunctionVpcConfig;
  readonly timeoutSeconds: number;
  readonly roleArn: string | undefined;
}

type FailWith = (result: ProbeResult) => ProbeFailed;

/** Finds or creates the probe function, brings its code and configuration up to date, and checks it is ready. */
async function ensureProbeFunction(lambda: LambdaClient, probe: ProbeContext, failWith: FailWith): Promise<LedgerEntry[]> {
  const zip = probeCodeZip();
  const existing = await getFunction(lambda, probe.functionName);
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

  const failure = failureOf(configuration);
  if (failure) {
    throw failWith({ url: probe.url, ok: false, elapsedMs: 0, error: { kind: 'other', code: failure.code, message: `the probe function could not be set up in these subnets: ${failure.reason}` } });
  }
  if (!isReady(configuration)) throw notReady(probe.functionName, configuration);
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

async function getFunction(lambda: LambdaClient, functionName: string): Promise<GetFunctionCommandOutput | undefined> {
  try {
    return await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
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

/** Active (or Inactive: the next invoke wakes it) with no update in progress. */
function isReady(configuration: FunctionConfiguration | undefined): boolean {
  const state = configuration?.State ?? 'Active';
  const update = configuration?.LastUpdateStatus ?? 'Successful';
  return (state === 'Active' || state === 'Inactive') && update === 'Successful';
}

function failureOf(configuration: FunctionConfiguration | undefined): { reason: string; code: string } | undefined {
  if (configuration?.State === 'Failed') return { reason: configuration.StateReason ?? 'no reason given', code: configuration.StateReasonCode ?? 'unknown' };
  if (configuration?.LastUpdateStatus === 'Failed') {
    return { reason: configuration.LastUpdateStatusReason ?? 'no reason given', code: configuration.LastUpdateStatusReasonCode ?? 'unknown' };
  }
  return undefined;
}

function notReady(functionName: string, configuration: FunctionConfiguration | undefined): ProbeNotReady {
  const state = configuration?.State ?? 'unknown';
  const update = configuration?.LastUpdateStatus ?? 'unknown';
  return new ProbeNotReady(`${functionName} is not ready yet (State ${state}, LastUpdateStatus ${update})`, { functionName, state, lastUpdateStatus: update });
}

/** Invokes the probe and turns whatever comes back (its result, a function error, an odd payload) into a ProbeResult. */
async function invokeProbe(lambda: LambdaClient, functionName: string, event: ProbeEvent, failWith: FailWith): Promise<ProbeResult> {
  const started = Date.now();
  let response;
  try {
    response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
    );
  } catch (error) {
    const name = awsErrorName(error) ?? '';
    if (name === 'ResourceNotReadyException' || name === 'ResourceConflictException') {
      throw new ProbeNotReady(`${functionName} is not ready to be invoked yet: ${(error as Error).message}`, {}, { cause: error });
    }
    if (PLACEMENT_ERRORS.test(name)) {
      throw failWith({
        url: event.url,
        ok: false,
        elapsedMs: Date.now() - started,
        error: { kind: 'other', code: name, message: `Lambda could not run the probe in these subnets: ${(error as Error).message}` },
      });
    }
    throw error;
  }
  const elapsedMs = Date.now() - started;
  const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
  if (response.FunctionError) {
    const answer = parseJson(text) as { errorType?: unknown; errorMessage?: unknown } | undefined;
    const message = typeof answer?.errorMessage === 'string' ? answer.errorMessage : text || response.FunctionError;
    return {
      url: event.url,
      ok: false,
      elapsedMs,
      error: { kind: /timed out/i.test(message) ? 'timeout' : 'other', code: typeof answer?.errorType === 'string' ? answer.errorType : response.FunctionError, message },
    };
  }
  return normalizeProbeAnswer(parseJson(text), event, elapsedMs);
}

/**
 * The probe's answer as a ProbeResult, judged here against the expected statuses (the probe's own `ok` is not
 * trusted: an older probe, or a bare `{ statusCode }`, must be judged the same way).
 */
export function normalizeProbeAnswer(answer: unknown, event: ProbeEvent, measuredMs: number): ProbeResult {
  const record = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : undefined;
  const statusCode = typeof record?.statusCode === 'number' ? record.statusCode : undefined;
  const error = probeError(record?.error);
  if (!record || (statusCode === undefined && !error)) {
    const shown = JSON.stringify(answer) ?? String(answer);
    return { url: event.url, ok: false, elapsedMs: measuredMs, error: { kind: 'other', message: `the probe answered something that is not a probe result: ${shown.slice(0, 200)}` } };
  }
  const expected = event.expectedStatuses ?? [200];
  return {
    url: typeof record.url === 'string' ? record.url : event.url,
    ok: !error && statusCode !== undefined && expected.includes(statusCode),
    ...(statusCode !== undefined ? { statusCode } : {}),
    elapsedMs: typeof record.elapsedMs === 'number' ? record.elapsedMs : measuredMs,
    ...(error ? { error } : {}),
  };
}

function probeError(value: unknown): ProbeResult['error'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = value as Record<string, unknown>;
  const kinds = ['timeout', 'dns', 'connection', 'tls', 'other'] as const;
  const kind = kinds.find((candidate) => candidate === error.kind) ?? 'other';
  const message = typeof error.message === 'string' ? error.message : 'no message';
  return typeof error.code === 'string' ? { kind, code: error.code, message } : { kind, message };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
export const handler = taskHandler('RunProbe', (input: RunProbeInput) => runProbe(clients, input, { probeRoleArn: process.env.PROBE_ROLE_ARN }));
