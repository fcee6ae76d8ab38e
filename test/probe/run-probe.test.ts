import { DeleteRouteCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  type InvokeCommandOutput,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { checkProbeFunction, handler as checkProbeFunctionHandler } from '../../functions/probe/check-probe-function';
import { ensureProbeFunctionTask, handler as ensureProbeFunctionHandler } from '../../functions/probe/ensure-probe-function';
import { probeCodeSha256 } from '../../functions/probe/probe-code';
import { probeFunctionName } from '../../functions/probe/probe-naming';
import { handler, runProbe } from '../../functions/probe/run-probe';
import { PROBE_FUNCTION_PREFIX } from '../../functions/shared/tags';
import type { ProbeResult, RunProbeInput } from '../../functions/probe/types';
import { ProbeFailed } from '../../functions/shared/errors';
import { TAG_EXECUTION, TAG_MANAGED, TAG_NETWORK } from '../../functions/shared/tags';
import { zipSingleFile } from '../../functions/shared/zip';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, executionNamed, networkSlices, normalizedRequest, type EgressNetwork } from '../support/egress-network';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});
const clients = { ec2, iam, lambda };

const URL_TO_PROBE = 'https://aws.amazon.com/';
const PROBE_NAME = 'lambda-egress-probe-test-net';

const LAMBDA_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** moto's docker-less Invoke serves queued answers, per account and region, in order (EMULATOR.md). */
async function queueProbeAnswers(...answers: unknown[]): Promise<void> {
  const response = await fetch(`${emulator.motoEndpoint()}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    body: JSON.stringify({ results: answers.map((answer) => (typeof answer === 'string' ? answer : JSON.stringify(answer))), region: 'us-east-1', account_id: await emulator.account() }),
  });
  if (!response.ok) throw new Error(`queueing probe answers: ${response.status}`);
}

function probeAnswer(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return { url: URL_TO_PROBE, ok: true, statusCode: 200, elapsedMs: 87, ...overrides };
}

/**
 * A user's function outside any VPC (the probe runs before it moves), the network it will move to, the probe
 * role the stack would create, and the probe tasks' input (request, execution, network slices).
 */
async function targetAndNetwork(options: { network?: EgressNetwork; execution?: string; functionName?: string } = {}) {
  const network = options.network ?? (await buildEgressNetwork(ec2));
  const functionName = options.functionName ?? 'orders-api';
  const fn = await createSampleFunction(functionName);
  const request = normalizedRequest({ functionName, functionArn: fn.FunctionArn! }, { url: URL_TO_PROBE, timeoutSeconds: 3 });
  const execution = executionNamed(options.execution ?? 'exec-probe');
  const role = await iam.send(new CreateRoleCommand({ RoleName: `probe-role-${functionName}`, AssumeRolePolicyDocument: LAMBDA_TRUST }));
  const input: RunProbeInput = { execution, request, network: networkSlices(network) };
  return { network, input, probeRoleArn: role.Role!.Arn!, functionArn: fn.FunctionArn! };
}

/** What the Parallel's branch B does before RunProbe: EnsureProbeFunction (its wait loop finds moto's probe Active at once). */
async function withProbeFunction(options: Parameters<typeof targetAndNetwork>[0] = {}) {
  const prepared = await targetAndNetwork(options);
  const probeFunction = await ensureProbeFunctionTask(clients, prepared.input, { probeRoleArn: prepared.probeRoleArn });
  return { ...prepared, probeFunction };
}

async function failureOf(promise: Promise<unknown>): Promise<ProbeFailed> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProbeFailed);
  return error as ProbeFailed;
}

describe('EnsureProbeFunction and CheckProbeFunction', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it("creates the probe function on the target's future subnets and group, tagged and ledgered, without touching the target", async () => {
    // GIVEN a function outside any VPC and the network it will move to
    const { network, input, probeRoleArn } = await targetAndNetwork();
    await emulator.clearCalls();

    // WHEN EnsureProbeFunction runs
    const slice = await ensureProbeFunctionTask(clients, input, { probeRoleArn });

    // THEN the probe function is lambda-egress's: the private subnets and the egress group, tagged, the probe's code and role
    const probe = await lambda.send(new GetFunctionCommand({ FunctionName: PROBE_NAME }));
    expect([...(probe.Configuration?.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...network.privateSubnetIds].sort());
    expect(probe.Configuration?.VpcConfig?.SecurityGroupIds).toEqual([network.securityGroupId]);
    expect(probe.Configuration).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 128, Timeout: 8, Role: probeRoleArn, CodeSha256: probeCodeSha256() });
    expect(probe.Tags).toMatchObject({ [TAG_MANAGED]: 'true', [TAG_NETWORK]: 'test-net', [TAG_EXECUTION]: input.execution.id });
    // and ledgered, since this execution created it (rollback deletes it by name)
    expect(slice).toMatchObject({ functionName: PROBE_NAME, subnetIds: network.privateSubnetIds, securityGroupIds: [network.securityGroupId] });
    expect(slice.ledger).toEqual([expect.objectContaining({ kind: 'probe-function', id: PROBE_NAME })]);
    // and the only change is the probe's creation: the target is still outside any VPC
    expect(mutatingCalls(await emulator.calls())).toEqual(['CreateFunction']);
    const target = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api' }));
    expect(target.VpcConfig?.SubnetIds ?? []).toEqual([]);
  });

  it('returns at once while the new probe function is Pending (the wait is a loop of Wait states); CheckProbeFunction says InProgress, then Ready; a retry adopts and ledgers it again', async () => {
    const { input, probeRoleArn } = await targetAndNetwork();
    await emulator.clearFaults(); // restarts the per-action call counters: the rules hit the next calls
    const pending = { type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: '"State": "Pending"' }] } as const;
    await emulator.inject({ service: 'lambda', action: 'CreateFunction', fault: pending });
    // GetFunction #1 is EnsureProbeFunction's own look (not found yet); #2 and #3 see the new function Pending
    await emulator.inject({ service: 'lambda', action: 'GetFunction', nth: 2, times: 2, fault: pending });

    const first = await ensureProbeFunctionTask(clients, input, { probeRoleArn });
    expect(first.ledger).toEqual([expect.objectContaining({ kind: 'probe-function', id: PROBE_NAME })]);
    // CheckProbeFunction (1st GetFunction): Pending; RunProbe (2nd): not ready, retried by the state machine
    expect(await checkProbeFunction(clients, input)).toMatchObject({ status: 'InProgress', state: 'Pending', functionName: PROBE_NAME });
    await expect(runProbe(clients, input)).rejects.toMatchObject({ name: 'ProbeNotReady' });

    await emulator.clearCalls();
    const retried = await ensureProbeFunctionTask(clients, input, { probeRoleArn });
    expect(retried.ledger).toEqual([expect.objectContaining({ kind: 'probe-function', id: PROBE_NAME })]);
    expect(mutatingCalls(await emulator.calls())).not.toContain('CreateFunction');
    expect(await checkProbeFunction(clients, input)).toMatchObject({ status: 'Ready', state: 'Active' });
  });

  it('throws ProbeNotReady while an existing probe function is being updated', async () => {
    const { input, probeRoleArn } = await withProbeFunction();
    await emulator.clearFaults();
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunction',
      times: 2,
      fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] },
    });
    await expect(ensureProbeFunctionTask(clients, input, { probeRoleArn })).rejects.toMatchObject({ name: 'ProbeNotReady' });
    await expect(runProbe(clients, input)).rejects.toMatchObject({ name: 'ProbeNotReady' });
  });

  it('fails ProbeFailed with Lambda\'s reason when Lambda could not set the probe function up in these subnets (state injected)', async () => {
    const { input } = await withProbeFunction();
    await emulator.clearFaults();
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunction',
      fault: { type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: '"State": "Failed", "StateReason": "The subnet has no free IP addresses", "StateReasonCode": "SubnetOutOfIPAddresses"' }] },
    });
    const failure = await failureOf(checkProbeFunction(clients, input));
    expect(failure.message).toMatch(/could not set up the probe function lambda-egress-probe-test-net in subnets subnet-\w+, subnet-\w+: The subnet has no free IP addresses \(SubnetOutOfIPAddresses\)/);
    expect(failure.details).toMatchObject({ probeFunctionName: PROBE_NAME, result: { ok: false, error: { code: 'SubnetOutOfIPAddresses' } } });
  });

  it("reuses another execution's probe for the same network: no new function, nothing ledgered, VpcConfig brought back in line", async () => {
    // GIVEN a probe created by an earlier execution for this network, since moved to one private subnet only
    const first = await withProbeFunction({ execution: 'exec-first', functionName: 'first-fn' });
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: PROBE_NAME, VpcConfig: { SubnetIds: [first.network.privateSubnetIds[1]!], SecurityGroupIds: [first.network.securityGroupId] } }));
    const second = await targetAndNetwork({ network: first.network, execution: 'exec-second', functionName: 'second-fn' });
    await emulator.clearCalls();

    // WHEN the second execution ensures the probe (with the role the stack gives it)
    const slice = await ensureProbeFunctionTask(clients, second.input, { probeRoleArn: first.probeRoleArn });

    // THEN the same probe function is back on all private subnets, created by (and left to) the first execution
    expect(slice.ledger).toEqual([]);
    expect(mutatingCalls(await emulator.calls())).toEqual(['UpdateFunctionConfiguration']);
    const probe = await lambda.send(new GetFunctionCommand({ FunctionName: PROBE_NAME }));
    expect([...(probe.Configuration?.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...first.network.privateSubnetIds].sort());
    expect(probe.Tags?.[TAG_EXECUTION]).toBe(first.input.execution.id);
  });

  it('updates the code of a probe function that runs an older probe', async () => {
    const { input, probeRoleArn, network } = await targetAndNetwork();
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: PROBE_NAME,
        Runtime: 'nodejs22.x',
        Role: probeRoleArn,
        Handler: 'index.handler',
        Code: { ZipFile: zipSingleFile('index.js', 'exports.handler = async () => ({ statusCode: 200 });') },
        Timeout: 8,
        MemorySize: 128,
        VpcConfig: { SubnetIds: network.privateSubnetIds, SecurityGroupIds: [network.securityGroupId], Ipv6AllowedForDualStack: false },
        Tags: { [TAG_MANAGED]: 'true', [TAG_NETWORK]: 'test-net', [TAG_EXECUTION]: 'an-older-execution' },
      }),
    );
    await emulator.clearCalls();

    await ensureProbeFunctionTask(clients, input, { probeRoleArn });

    expect(mutatingCalls(await emulator.calls())).toEqual(['UpdateFunctionCode']);
    const probe = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: PROBE_NAME }));
    expect(probe.CodeSha256).toBe(probeCodeSha256());
  });

  it('fails InvalidRequest, changing nothing, when a function of the same name exists that lambda-egress does not manage', async () => {
    const { input, probeRoleArn } = await targetAndNetwork();
    await createSampleFunction(PROBE_NAME, 'someone-elses-role');
    await emulator.clearCalls();
    await expect(ensureProbeFunctionTask(clients, input, { probeRoleArn })).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.name' });
    await expect(runProbe(clients, input)).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.name' });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails clearly when PROBE_ROLE_ARN is not set and a probe function must be created', async () => {
    const { input } = await targetAndNetwork();
    await expect(ensureProbeFunctionTask(clients, input, { probeRoleArn: undefined })).rejects.toThrow(/PROBE_ROLE_ARN is not set/);
  });

  it('as Lambda handlers: EnsureProbeFunction reads PROBE_ROLE_ARN from the environment; both stamp their timing', async () => {
    const { input, probeRoleArn } = await targetAndNetwork();
    process.env.PROBE_ROLE_ARN = probeRoleArn;
    try {
      expect(await ensureProbeFunctionHandler(input)).toMatchObject({ functionName: PROBE_NAME, timing: { task: 'EnsureProbeFunction' } });
      expect(await checkProbeFunctionHandler(input)).toMatchObject({ status: 'Ready', timing: { task: 'CheckProbeFunction' } });
    } finally {
      delete process.env.PROBE_ROLE_ARN;
    }
  });
});

describe('RunProbe', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it("passes on the probe's 200, from the probe function on the target's future subnets and group, and changes nothing", async () => {
    // GIVEN the probe function in place and the probe's answer queued
    const { network, input } = await withProbeFunction();
    await queueProbeAnswers({ statusCode: 200 });
    await emulator.clearCalls();

    // WHEN RunProbe runs
    const slice = await runProbe(clients, input);

    // THEN it passed, with the answer, the reachability verdict and the probe it used
    expect(slice).toMatchObject({
      passed: true,
      expectedStatuses: [200],
      result: { url: URL_TO_PROBE, ok: true, statusCode: 200, elapsedMs: expect.any(Number) },
      reachability: { verdict: 'PASS', port: 443 },
      probeFunctionName: PROBE_NAME,
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [network.securityGroupId],
      ledger: [],
    });
    // and it only read and invoked: the target function is untouched (still outside any VPC)
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect((await emulator.calls()).filter((call) => call.action === 'Invoke')).toHaveLength(1);
    const target = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api' }));
    expect(target.VpcConfig?.SubnetIds ?? []).toEqual([]);
  });

  it('sends the probe the URL, the time-out and the expected statuses (seen in what moto echoes back when nothing is queued)', async () => {
    const { input } = await withProbeFunction();
    const failure = await failureOf(runProbe(clients, input));
    expect(failure.message).toContain('the probe answered something that is not a probe result');
    expect(failure.message).toContain(JSON.stringify({ url: URL_TO_PROBE, timeoutSeconds: 3, expectedStatuses: [200] }));
  });

  it("fails ProbeFailed on a time-out answer, carrying the probe's result and the reachability verdict", async () => {
    const { input } = await withProbeFunction();
    const timedOut = probeAnswer({ ok: false, statusCode: undefined, elapsedMs: 3004, error: { kind: 'timeout', message: 'no response within 3 s' } });
    await queueProbeAnswers(timedOut);

    const failure = await failureOf(runProbe(clients, input));

    expect(failure.name).toBe('ProbeFailed');
    expect(failure.details).toMatchObject({ result: { ok: false, error: { kind: 'timeout' } }, reachability: { verdict: 'PASS' }, probeFunctionName: PROBE_NAME });
    expect(failure.message).toMatch(/^The probe from subnet-\w+, subnet-\w+ got no answer from https:\/\/aws\.amazon\.com\/ within 3 s \(after 3004 ms; no response within 3 s\)\./);
    expect(failure.message).toMatch(/Diagnosis: the static analysis found every hop in place .* the cause is probably beyond the VPC/);
  });

  it('fails ProbeFailed with the broken hop and its fix when the path is broken (an isolated private subnet)', async () => {
    const { network, input } = await withProbeFunction();
    await ec2.send(new DeleteRouteCommand({ RouteTableId: network.privateRouteTableIds[0], DestinationCidrBlock: '0.0.0.0/0' }));
    await queueProbeAnswers(probeAnswer({ ok: false, statusCode: undefined, elapsedMs: 3001, error: { kind: 'timeout', message: 'no response within 3 s' } }));

    const failure = await failureOf(runProbe(clients, input));

    expect(failure.details).toMatchObject({ reachability: { verdict: 'FAIL', hop: 'default-route', subnetId: network.privateSubnetIds[0] } });
    expect(failure.message).toContain(`Diagnosis: ${network.privateSubnetIds[0]} is isolated: its route table ${network.privateRouteTableIds[0]} has no default route (0.0.0.0/0)`);
    expect(failure.message).toContain(`Fix: add the route 0.0.0.0/0 -> a NAT gateway in a public subnet of us-east-1a to ${network.privateRouteTableIds[0]}.`);
  });

  it('fails ProbeFailed on a status that is not expected (503)', async () => {
    const { input } = await withProbeFunction();
    await queueProbeAnswers(probeAnswer({ ok: false, statusCode: 503 }));
    const failure = await failureOf(runProbe(clients, input));
    expect(failure.message).toMatch(/reached https:\/\/aws\.amazon\.com\/ but got HTTP 503, not 200/);
    expect(failure.details).toMatchObject({ result: { statusCode: 503, ok: false } });
  });

  it('passes on a configured expected status, whatever the probe itself judged', async () => {
    const { input } = await withProbeFunction();
    await queueProbeAnswers(probeAnswer({ ok: false, statusCode: 403 }));
    const slice = await runProbe(clients, { ...input, request: { ...input.request, probe: { ...input.request.probe, expectedStatuses: [200, 403] } } });
    expect(slice.result).toMatchObject({ ok: true, statusCode: 403 });
  });

  it("fails ProbeFailed when the probe function itself fails (moto's own FunctionError for an oversized answer)", async () => {
    const { input } = await withProbeFunction();
    await queueProbeAnswers('x'.repeat(6_100_000));
    const failure = await failureOf(runProbe(clients, input));
    expect(failure.details).toMatchObject({ result: { ok: false, error: { kind: 'other', code: 'Function.ResponseSizeTooLarge' } } });
  });

  it("fails ProbeFailed with a time-out when Lambda stops the probe (mocked: moto cannot produce Lambda's 'Task timed out' FunctionError)", async () => {
    // GIVEN the probe function exists
    const { input } = await withProbeFunction();
    // and a client whose Invoke answers like Lambda when the function runs out of time; its other calls go to moto
    const timingOut = new LambdaClient({});
    const mock = mockClient(timingOut);
    mock.on(GetFunctionCommand).callsFake((args) => lambda.send(new GetFunctionCommand(args)));
    mock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      // The SDK's payload type is a Uint8Array with helpers; RunProbe reads only the bytes.
      Payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: '2025-01-01T00:00:00.000Z 1234 Task timed out after 8.00 seconds' })) as unknown as InvokeCommandOutput['Payload'],
    });
    try {
      const failure = await failureOf(runProbe({ ec2, lambda: timingOut }, input));
      expect(failure.details).toMatchObject({ result: { ok: false, error: { kind: 'timeout', code: 'Sandbox.Timedout' } } });
      expect(failure.message).toMatch(/got no answer from https:\/\/aws\.amazon\.com\/ within 3 s/);
    } finally {
      mock.restore();
    }
  });

  it('fails clearly when EnsureProbeFunction has not run', async () => {
    const { input } = await targetAndNetwork();
    await expect(runProbe(clients, input)).rejects.toThrow(/does not exist: EnsureProbeFunction must run before RunProbe/);
  });

  it('fails clearly, invoking nothing, when the probe function was moved off the target\'s placement after EnsureProbeFunction', async () => {
    const { network, input } = await withProbeFunction();
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: PROBE_NAME, VpcConfig: { SubnetIds: [network.privateSubnetIds[0]!], SecurityGroupIds: [network.securityGroupId] } }));
    await emulator.clearCalls();
    await expect(runProbe(clients, input)).rejects.toThrow(/is not on the target's subnets and security group .*changed after EnsureProbeFunction/);
    expect((await emulator.calls()).map((call) => call.action)).not.toContain('Invoke');
  });

  it('as a Lambda handler: stamps its timing', async () => {
    const { input } = await withProbeFunction();
    await queueProbeAnswers(probeAnswer());
    const slice = await handler(input);
    expect(slice).toMatchObject({ passed: true, timing: { task: 'RunProbe' } });
  });
});

describe('probe function names', () => {
  it('are lambda-egress-probe-<network>, with the prefix rollback looks for', () => {
    expect(probeFunctionName('a-network-name').startsWith(`${PROBE_FUNCTION_PREFIX}-`)).toBe(true);
    expect(probeFunctionName('default')).toBe('lambda-egress-probe-default');
  });

  it('stay valid Lambda names (<= 64 of [A-Za-z0-9-_]) and distinct for any network name', () => {
    const long = 'a'.repeat(80);
    const names = [probeFunctionName(long), probeFunctionName(`${long}b`), probeFunctionName('team/payments prod'), probeFunctionName('team-payments-prod')];
    for (const name of names) expect(name).toMatch(/^lambda-egress-probe-[A-Za-z0-9_-]+$/);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    expect(new Set(names).size).toBe(names.length);
  });
});
