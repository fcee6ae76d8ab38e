import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { ensureVpcLambdaRole } from '../../local/lambda-roles';
import { PROBE_ROLE_NAME, queueInvokeAnswers } from '../../local/local-environment';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { registryTask, runLocally, type LocalRunOptions, type LocalRunResult } from '../../statemachine/local-runner';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { ensureRegistryTable } from '../../local/local-registry';
import { ensureEniCleanupRole as ensureLocalEniCleanupRole } from '../../local/eni-cleanup-role';
import { ENI_CLEANUP_ROLE_ENV } from '../../functions/undo/eni-cleanup-session';
import { definitionsValidated } from './validated-definitions';

const iam = new IAMClient({});
const lambda = new LambdaClient({});

/** What the CDK stack provides on AWS: the role the probe function runs as. */
export async function ensureProbeRole(): Promise<string> {
  const arn = await ensureVpcLambdaRole(iam, PROBE_ROLE_NAME, 'lambda-egress probe functions');
  process.env.PROBE_ROLE_ARN = arn;
  return arn;
}

/** What the CDK stack provides on AWS: the role Rollback and TeardownNetwork delete Lambda ENIs with. */
export async function ensureEniCleanupRole(): Promise<string> {
  const arn = await ensureLocalEniCleanupRole(iam, await emulator.account());
  process.env[ENI_CLEANUP_ROLE_ENV] = arn;
  return arn;
}

/** The probe function's answers, served by moto's docker-less Invoke in this account (EMULATOR.md). */
export async function queueProbeAnswers(...results: unknown[]): Promise<void> {
  await queueInvokeAnswers(emulator.motoEndpoint(), await emulator.account(), 'us-east-1', results);
}

export function passingProbe(url = 'https://aws.amazon.com/'): unknown {
  return { url, ok: true, statusCode: 200, elapsedMs: 87 };
}

/** A fresh account with what the stack provides (the probe role, the registry table) and a user function. */
export async function freshAccountWithFunction(functionName = 'orders-api'): Promise<{ functionName: string; roleName: string }> {
  await emulator.freshAccount();
  await ensureProbeRole();
  await ensureEniCleanupRole();
  await ensureRegistryTable();
  await createSampleFunction(functionName);
  return { functionName, roleName: `${functionName}-role` };
}

let runs = 0;

/** Runs the real definition with the real handlers against this file's moto account; no real waiting. */
export function provision(request: unknown, options: Pick<LocalRunOptions, 'onEvent' | 'resolveTask' | 'lockWaitMs'> = {}): Promise<LocalRunResult> {
  runs += 1;
  return runLocally(request, {
    executionName: `test-${process.pid}-${Date.now()}-${runs}`,
    skipWaits: true,
    skipRetryIntervals: true,
    definitionValidated: definitionsValidated(),
    ...options,
  });
}

/**
 * Instrumentation, not a mock: the real handlers, plus a note of how many calls of `action` the account had
 * made when `task` first started. Tells a fault rule which call is the first one of that task.
 */
export function callsBeforeFirst(task: string, action: string): { resolveTask: LocalRunOptions['resolveTask']; count: () => number } {
  let count: number | undefined;
  return {
    resolveTask: (name) => {
      const real = registryTask(name);
      if (name !== task) return real;
      return async (input) => {
        if (count === undefined) count = (await emulator.calls()).filter((call) => call.action === action).length;
        return real(input);
      };
    },
    count: () => {
      if (count === undefined) throw new Error(`${task} never ran`);
      return count;
    },
  };
}

/**
 * Instrumentation, not a mock: the real handlers, plus a count of `task`'s invocations still running. Step
 * Functions does not stop a running Lambda invocation when it stops the branch around it
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html, "Error handling"), and the
 * local interpreter, which cannot cancel a promise, stops awaiting the handler and leaves it running the same way.
 */
export function invocationsOf(task: string): { resolveTask: LocalRunOptions['resolveTask']; running: () => number; allEnded: () => Promise<void> } {
  const started: Array<Promise<unknown>> = [];
  let running = 0;
  return {
    resolveTask: (name) => {
      const real = registryTask(name);
      if (name !== task) return real;
      return (input) => {
        running += 1;
        const invocation = real(input).finally(() => (running -= 1));
        started.push(invocation.catch(() => undefined));
        return invocation;
      };
    },
    running: () => running,
    allEnded: async () => {
      await Promise.all(started);
    },
  };
}

/** How many times a state was entered during a run. */
export function timesEntered(run: LocalRunResult, stateName: string): number {
  return run.events.filter((event) => event.type === 'StateEntered' && 'state' in event && event.state.name === stateName).length;
}

/** What rollback must give back: the function's VpcConfig and the role's attached policies. */
export async function functionSnapshot(functionName: string, roleName: string): Promise<{ vpcConfig: unknown; policies: string[] }> {
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const policies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  return {
    vpcConfig: { subnetIds: [...(config.VpcConfig?.SubnetIds ?? [])].sort(), securityGroupIds: [...(config.VpcConfig?.SecurityGroupIds ?? [])].sort() },
    policies: (policies.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '').sort(),
  };
}
