import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { analyzeFunctionReachability } from '../functions/probe/function-reachability';
import { probeFunctionName } from '../functions/probe/probe-naming';
import { probePort } from '../functions/probe/reachability';
import type { ProbeResult, ReachabilityVerdict, RunProbeInput } from '../functions/probe/types';
import { createClients, type AwsClients } from '../functions/shared/clients';
import { logger } from '../functions/shared/logger';
import type { NormalizedRequest } from '../functions/shared/types';
import { registryTask, type LocalTask } from '../statemachine/local-runner';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REGISTRY_TABLE_ENV } from '../functions/shared/registry/table';
import { ENI_CLEANUP_ROLE_ENV } from '../functions/undo/eni-cleanup-session';
import { ensureEniCleanupRole } from './eni-cleanup-role';
import { applyTargetScope } from './target-scope-config';
import { ensureVpcLambdaRole } from './lambda-roles';
import { ensureRegistryTable } from './local-registry';
import { localRegistryTableName } from './local-registry-name';
import { startLocalProxy } from './proxy/local-proxy';
import { startMotoServer, type MotoServer } from './moto-server';

/**
 * What local mode (the CLI's --local, and the benchmarks) needs around the state machine: an emulator reached
 * through the SDK's standard environment, and what the deployed stack would otherwise provide.
 */
export interface LocalEnvironment {
  readonly endpoint: string;
  readonly region: string;
  /** True when this process started the emulator (and `close` stops it). */
  readonly embedded: boolean;
  /** The embedded moto server's pid, while it runs. */
  readonly pid?: number;
  /** Stops the embedded emulator; leaves an external one alone. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_LOCAL_REGION = 'us-east-1';

/**
 * Points the SDK's standard environment at the emulator: endpoint, region, credentials (dummy ones unless
 * some are set), and one attempt per call (retries belong to the state machine). The task handlers' clients
 * read it on their first call.
 */
export function applySdkEnvironment(env: NodeJS.ProcessEnv, endpoint: string, region?: string): string {
  env.AWS_ENDPOINT_URL = endpoint;
  const chosen = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_LOCAL_REGION;
  env.AWS_REGION = chosen;
  env.AWS_DEFAULT_REGION = chosen;
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    env.AWS_ACCESS_KEY_ID = 'AKIALAMBDAEGRESSLOCAL';
    env.AWS_SECRET_ACCESS_KEY = 'local-emulator';
    delete env.AWS_SESSION_TOKEN;
  }
  env.AWS_MAX_ATTEMPTS = '1';
  return chosen;
}

/**
 * Uses the emulator in AWS_ENDPOINT_URL when it is set (any moto-compatible server, with whatever it holds),
 * else starts an embedded moto server that `close` stops, behind the fault proxy: it answers what moto does not
 * know (regional NAT gateways, local/regional-nat-gateways.ts) and hands moto's own default account to the SDK.
 */
export async function openLocalEnvironment(
  env: NodeJS.ProcessEnv,
  options: { readonly region?: string; readonly start?: () => Promise<MotoServer> } = {},
): Promise<LocalEnvironment> {
  const external = env.AWS_ENDPOINT_URL;
  if (external) {
    const region = applySdkEnvironment(env, external, options.region);
    return { endpoint: external, region, embedded: false, close: async () => undefined };
  }
  const moto = await (options.start ?? startMotoServer)();
  const proxy = await startLocalProxy(moto.endpoint, { firstAccount: MOTO_DEFAULT_ACCOUNT }).catch(async (error: unknown) => {
    await moto.stop();
    throw error;
  });
  const region = applySdkEnvironment(env, proxy.endpoint, options.region);
  let closed: Promise<void> | undefined;
  return {
    endpoint: proxy.endpoint,
    region,
    embedded: true,
    pid: moto.pid,
    close: () => {
      closed ??= proxy.close().then(() => moto.stop());
      return closed;
    },
  };
}

/** The account moto serves a request without x-moto-account-id in. */
const MOTO_DEFAULT_ACCOUNT = 123456789012;

/** The account id in an ARN (`arn:aws:iam::123456789012:role/x` -> `123456789012`). */
function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/**
 * Queues answers for the emulator's next Lambda Invoke calls (moto without Docker serves them in order):
 * how local mode answers the probe, which cannot reach a real internet from an emulator.
 */
export async function queueInvokeAnswers(endpoint: string, account: string, region: string, answers: readonly unknown[]): Promise<void> {
  const response = await fetch(`${endpoint.replace(/\/$/, '')}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    body: JSON.stringify({ results: answers.map((answer) => (typeof answer === 'string' ? answer : JSON.stringify(answer))), account_id: account, region }),
  });
  if (!response.ok) {
    throw new Error(`the emulator at ${endpoint} refused to queue an Invoke answer (${response.status}): is it a moto server?`);
  }
}

/** The task handlers log JSON lines through Powertools to stdout: silent unless POWERTOOLS_LOG_LEVEL asks for them. */
export function silenceTaskLogs(env: NodeJS.ProcessEnv): void {
  env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  logger.setLogLevel(env.POWERTOOLS_LOG_LEVEL as Parameters<typeof logger.setLogLevel>[0]);
}

/** The role the probe function runs with; on AWS the stack creates it and passes its ARN as PROBE_ROLE_ARN. */
export const PROBE_ROLE_NAME = 'lambda-egress-probe';

/** What a local run needs beyond the emulator: the account it runs in, and its task handlers. */
interface LocalRunSetup {
  readonly account: string;
  readonly region: string;
  /** The real handler of every task; RunProbe's is preceded by queueing the probe's answer (see probeAnswerFor). */
  readonly resolveTask: (taskName: string) => LocalTask;
}

/**
 * Creates in the emulator what the deployed stack would provide the tasks (the probe's role, passed as
 * PROBE_ROLE_ARN, the ENI cleanup role, passed as ENI_CLEANUP_ROLE_ARN, and the registry table), and the task resolver that answers the probe through the emulator.
 */
export async function prepareLocalRun(
  environment: LocalEnvironment,
  env: NodeJS.ProcessEnv,
  clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda'> = createClients({ ec2: EC2Client, iam: IAMClient, lambda: LambdaClient }),
): Promise<LocalRunSetup> {
  const probeRoleArn = await ensureVpcLambdaRole(clients.iam, PROBE_ROLE_NAME, 'lambda-egress probe (local mode)');
  env.PROBE_ROLE_ARN = probeRoleArn;
  env[ENI_CLEANUP_ROLE_ENV] = await ensureEniCleanupRole(clients.iam, accountOfArn(probeRoleArn));
  applyTargetScope(env);
  // The tasks read it at cold start and know no default (functions/shared/environment.ts): set before any loads.
  env[REGISTRY_TABLE_ENV] = await ensureRegistryTable(new DynamoDBClient({ region: environment.region }), localRegistryTableName(env));
  const setup = { account: accountOfArn(probeRoleArn), region: environment.region };
  return {
    ...setup,
    resolveTask: (taskName) => {
      const task = registryTask(taskName);
      if (taskName !== 'RunProbe') return task;
      return async (input) => {
        await queueProbeAnswer(clients, environment.endpoint, setup, input as RunProbeInput);
        return task(input);
      };
    },
  };
}

/** Says that no request left the emulator, wherever the answer is shown. */
const LOCAL_PROBE_MESSAGE = 'local mode: no request was sent (the emulator has no internet)';

/**
 * The probe's answer in local mode, where no request can leave the emulator: what the function would see on
 * AWS given the static reachability verdict — the expected status when the path is complete (or leads through
 * something the analysis cannot follow), a time-out when it is broken.
 */
export function probeAnswerFor(verdict: ReachabilityVerdict, probe: NormalizedRequest['probe']): ProbeResult {
  if (verdict.verdict === 'FAIL') {
    return {
      url: probe.url,
      ok: false,
      elapsedMs: probe.timeoutSeconds * 1000,
      error: { kind: 'timeout', message: `${LOCAL_PROBE_MESSAGE}; by the reachability analysis the request would get no answer` },
    };
  }
  return { url: probe.url, ok: true, statusCode: probe.expectedStatuses[0] ?? 200, elapsedMs: 0 };
}

/**
 * Analyses the probe function's VpcConfig — the target's future one, which RunProbe proves before the target
 * moves — and queues the matching answer for its Invoke.
 */
async function queueProbeAnswer(
  clients: Pick<AwsClients, 'ec2' | 'lambda'>,
  endpoint: string,
  setup: { account: string; region: string },
  input: RunProbeInput,
): Promise<void> {
  const { request } = input;
  const { verdict } = await analyzeFunctionReachability(clients, probeFunctionName(request.network.name), { port: probePort(request.probe.url), ipv6: request.network.ipv6 });
  await queueInvokeAnswers(endpoint, setup.account, setup.region, [probeAnswerFor(verdict, request.probe)]);
}
