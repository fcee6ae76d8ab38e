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
import { attachFunction } from '../../functions/function/attach-function';
import { recordFunction } from '../../functions/function/record-function';
import { probeCodeSha256 } from '../../functions/probe/probe-code';
import { probeFunctionName } from '../../functions/probe/probe-naming';
import { handler, runProbe } from '../../functions/probe/run-probe';
import { PROBE_FUNCTION_PREFIX } from '../../functions/shared/tags';
import type { ProbeResult, RunProbeInput } from '../../functions/probe/types';
import { ProbeFailed } from '../../functions/shared/errors';
import { TAG_EXECUTION, TAG_MANAGED, TAG_NETWORK } from '../../functions/shared/tags';
import { zipSingleFile } from '../../functions/shared/zip';
import { emulator, mutatingCalls } from '../../local/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, executionNamed, networkSlices, normalizedRequest, type EgressNetwork } from './egress-network';

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

/** A user's function attached by AttachFunction, the probe role the stack would create, and RunProbe's input. */
async function attachedTarget(options: { network?: EgressNetwork; execution?: string; functionName?: string } = {}) {
  const network = options.network ?? (await buildEgressNetwork(ec2));
  const functionName = options.functionName ?? 'orders-api';
  const fn = await createSampleFunction(functionName);
  const request = normalizedRequest({ functionName, functionArn: fn.FunctionArn! }, { url: URL_TO_PROBE, timeoutSeconds: 3 });
  const execution = executionNamed(options.execution ?? 'exec-probe');
  const original = await recordFunction(clients, { execution, request });
  await attachFunction(clients, { execution, request, function: { original }, network: networkSlices(network) });
  const role = await iam.send(new CreateRoleCommand({ RoleName: `probe-role-${functionName}`, AssumeRolePolicyDocument: LAMBDA_TRUST }));
  const input: RunProbeInput = { execution, request };
  return { network, input, probeRoleArn: role.Role!.Arn!, functionArn: fn.FunctionArn! };
}

async function failureOf(promise: Promise<unknown>): Promise<ProbeFailed> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProbeFailed);
  return error as ProbeFailed;
}

describe('RunProbe', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it("passes on the probe's 200, from a probe function it creates on the target's own subnets and group", async () => {
    // GIVEN an attached function and the probe's answer queued
    const { network, input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers({ statusCode: 200 });

    // WHEN RunProbe runs
    const slice = await runProbe(clients, input, { probeRoleArn });

    // THEN it passed, with the answer, the reachability verdict and the probe it used
    expect(slice).toMatchObject({
      passed: true,
      expectedStatuses: [200],
      result: { url: URL_TO_PROBE, ok: true, statusCode: 200, elapsedMs: expect.any(Number) },
      reachability: { verdict: 'PASS', port: 443 },
      probeFunctionName: PROBE_NAME,
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [network.securityGroupId],
    });
    // and the probe function is lambda-egress's: same subnets and group as the target, tagged, the probe's code and role
    const probe = await lambda.send(new GetFunctionCommand({ FunctionName: PROBE_NAME }));
    expect([...(probe.Configuration?.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...network.privateSubnetIds].sort());
    expect(probe.Configuration?.VpcConfig?.SecurityGroupIds).toEqual([network.securityGroupId]);
    expect(probe.Configuration).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 128, Timeout: 8, Role: probeRoleArn, CodeSha256: probeCodeSha256() });
    expect(probe.Tags).toMatchObject({ [TAG_MANAGED]: 'true', [TAG_NETWORK]: 'test-net', [TAG_EXECUTION]: input.execution.id });
    // and ledgered, since this execution created it (rollback deletes it by name)
    expect(slice.ledger).toEqual([expect.objectContaining({ kind: 'probe-function', id: PROBE_NAME })]);
  });

  it('sends the probe the URL, the time-out and the expected statuses (seen in what moto echoes back when nothing is queued)', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    const failure = await failureOf(runProbe(clients, input, { probeRoleArn }));
    expect(failure.message).toContain('the probe answered something that is not a probe result');
    expect(failure.message).toContain(JSON.stringify({ url: URL_TO_PROBE, timeoutSeconds: 3, expectedStatuses: [200] }));
  });

  it("fails ProbeFailed on a time-out answer, carrying the probe's result and the reachability verdict", async () => {
    const { input, probeRoleArn } = await attachedTarget();
    const timedOut = probeAnswer({ ok: false, statusCode: undefined, elapsedMs: 3004, error: { kind: 'timeout', message: 'no response within 3 s' } });
    await queueProbeAnswers(timedOut);

    const failure = await failureOf(runProbe(clients, input, { probeRoleArn }));

    expect(failure.name).toBe('ProbeFailed');
    expect(failure.details).toMatchObject({ result: { ok: false, error: { kind: 'timeout' } }, reachability: { verdict: 'PASS' }, probeFunctionName: PROBE_NAME });
    expect(failure.message).toMatch(/^The probe from subnet-\w+, subnet-\w+ got no answer from https:\/\/aws\.amazon\.com\/ within 3 s \(after 3004 ms; no response within 3 s\)\./);
    expect(failure.message).toMatch(/Diagnosis: the static analysis found every hop in place .* the cause is probably beyond the VPC/);
  });

  it('fails ProbeFailed with the broken hop and its fix when the path is broken (an isolated private subnet)', async () => {
    const { network, input, probeRoleArn } = await attachedTarget();
    await ec2.send(new DeleteRouteCommand({ RouteTableId: network.privateRouteTableIds[0], DestinationCidrBlock: '0.0.0.0/0' }));
    await queueProbeAnswers(probeAnswer({ ok: false, statusCode: undefined, elapsedMs: 3001, error: { kind: 'timeout', message: 'no response within 3 s' } }));

    const failure = await failureOf(runProbe(clients, input, { probeRoleArn }));

    expect(failure.details).toMatchObject({ reachability: { verdict: 'FAIL', hop: 'default-route', subnetId: network.privateSubnetIds[0] } });
    expect(failure.message).toContain(`Diagnosis: ${network.privateSubnetIds[0]} is isolated: its route table ${network.privateRouteTableIds[0]} has no default route (0.0.0.0/0)`);
    expect(failure.message).toContain(`Fix: add the route 0.0.0.0/0 -> a NAT gateway in a public subnet of us-east-1a to ${network.privateRouteTableIds[0]}.`);
  });

  it('fails ProbeFailed on a status that is not expected (503)', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers(probeAnswer({ ok: false, statusCode: 503 }));
    const failure = await failureOf(runProbe(clients, input, { probeRoleArn }));
    expect(failure.message).toMatch(/reached https:\/\/aws\.amazon\.com\/ but got HTTP 503, not 200/);
    expect(failure.details).toMatchObject({ result: { statusCode: 503, ok: false } });
  });

  it('passes on a configured expected status, whatever the probe itself judged', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers(probeAnswer({ ok: false, statusCode: 403 }));
    const slice = await runProbe(clients, { ...input, request: { ...input.request, probe: { ...input.request.probe, expectedStatuses: [200, 403] } } }, { probeRoleArn });
    expect(slice.result).toMatchObject({ ok: true, statusCode: 403 });
  });

  it("fails ProbeFailed when the probe function itself fails (moto's own FunctionError for an oversized answer)", async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers('x'.repeat(6_100_000));
    const failure = await failureOf(runProbe(clients, input, { probeRoleArn }));
    expect(failure.details).toMatchObject({ result: { ok: false, error: { kind: 'other', code: 'Function.ResponseSizeTooLarge' } } });
  });

  it("fails ProbeFailed with a time-out when Lambda stops the probe (mocked: moto cannot produce Lambda's 'Task timed out' FunctionError)", async () => {
    // GIVEN the probe function exists (a first, passing run on moto)
    const { input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers(probeAnswer());
    await runProbe(clients, input, { probeRoleArn });
    // and a client whose Invoke answers like Lambda when the function runs out of time; its other calls go to moto
    const timingOut = new LambdaClient({});
    const mock = mockClient(timingOut);
    mock.on(GetFunctionConfigurationCommand).callsFake((args) => lambda.send(new GetFunctionConfigurationCommand(args)));
    mock.on(GetFunctionCommand).callsFake((args) => lambda.send(new GetFunctionCommand(args)));
    mock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      // The SDK's payload type is a Uint8Array with helpers; RunProbe reads only the bytes.
      Payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: '2025-01-01T00:00:00.000Z 1234 Task timed out after 8.00 seconds' })) as unknown as InvokeCommandOutput['Payload'],
    });
    try {
      const failure = await failureOf(runProbe({ ec2, lambda: timingOut }, input, { probeRoleArn }));
      expect(failure.details).toMatchObject({ result: { ok: false, error: { kind: 'timeout', code: 'Sandbox.Timedout' } } });
      expect(failure.message).toMatch(/got no answer from https:\/\/aws\.amazon\.com\/ within 3 s/);
    } finally {
      mock.restore();
    }
  });

  it('throws ProbeNotReady while a new probe function is Pending; the retry adopts it, ledgers it again and passes', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await emulator.clearFaults(); // restarts the per-action call counters: the rule hits the next CreateFunction
    await emulator.inject({
      service: 'lambda',
      action: 'CreateFunction',
      fault: { type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: '"State": "Pending"' }] },
    });
    await expect(runProbe(clients, input, { probeRoleArn })).rejects.toMatchObject({ name: 'ProbeNotReady' });

    await queueProbeAnswers(probeAnswer());
    await emulator.clearCalls();
    const slice = await runProbe(clients, input, { probeRoleArn });
    expect(slice.ledger).toEqual([expect.objectContaining({ kind: 'probe-function', id: PROBE_NAME })]);
    expect(mutatingCalls(await emulator.calls())).not.toContain('CreateFunction');
  });

  it('throws ProbeNotReady while an existing probe function is being updated', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers(probeAnswer());
    await runProbe(clients, input, { probeRoleArn });
    await emulator.clearFaults();
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunction',
      fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] },
    });
    await expect(runProbe(clients, input, { probeRoleArn })).rejects.toMatchObject({ name: 'ProbeNotReady' });
  });

  it("reuses another execution's probe for the same network: no new function, nothing ledgered, VpcConfig brought in line with the target", async () => {
    // GIVEN a probe created by an earlier execution for this network
    const first = await attachedTarget({ execution: 'exec-first', functionName: 'first-fn' });
    await queueProbeAnswers(probeAnswer());
    await runProbe(clients, first.input, { probeRoleArn: first.probeRoleArn });
    // and a second function of the network, attached to one private subnet only
    const second = await attachedTarget({ network: first.network, execution: 'exec-second', functionName: 'second-fn' });
    const onlySubnet = first.network.privateSubnetIds[1]!;
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'second-fn', VpcConfig: { SubnetIds: [onlySubnet], SecurityGroupIds: [first.network.securityGroupId] } }));
    await queueProbeAnswers(probeAnswer());
    await emulator.clearCalls();

    // WHEN the second execution probes (with the role the stack gives it)
    const slice = await runProbe(clients, second.input, { probeRoleArn: first.probeRoleArn });

    // THEN the same probe function ran, on the second function's subnets, created by (and left to) the first execution
    expect(slice.ledger).toEqual([]);
    expect(mutatingCalls(await emulator.calls())).toEqual(['UpdateFunctionConfiguration']);
    const probe = await lambda.send(new GetFunctionCommand({ FunctionName: PROBE_NAME }));
    expect(probe.Configuration?.VpcConfig?.SubnetIds).toEqual([onlySubnet]);
    expect(probe.Tags?.[TAG_EXECUTION]).toBe(first.input.execution.id);
  });

  it('updates the code of a probe function that runs an older probe', async () => {
    const { input, probeRoleArn, network } = await attachedTarget();
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
    await queueProbeAnswers(probeAnswer());
    await emulator.clearCalls();

    await runProbe(clients, input, { probeRoleArn });

    expect(mutatingCalls(await emulator.calls())).toEqual(['UpdateFunctionCode']);
    const probe = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: PROBE_NAME }));
    expect(probe.CodeSha256).toBe(probeCodeSha256());
  });

  it('fails InvalidRequest, changing nothing, when a function of the same name exists that lambda-egress does not manage', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await createSampleFunction(PROBE_NAME, 'someone-elses-role');
    await emulator.clearCalls();
    await expect(runProbe(clients, input, { probeRoleArn })).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.name' });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails clearly when PROBE_ROLE_ARN is not set and a probe function must be created', async () => {
    const { input } = await attachedTarget();
    await expect(runProbe(clients, input, { probeRoleArn: undefined })).rejects.toThrow(/PROBE_ROLE_ARN is not set/);
  });

  it('fails clearly when the target function is not attached to a VPC', async () => {
    const fn = await createSampleFunction('loose-fn');
    const input: RunProbeInput = { execution: executionNamed('exec-loose'), request: normalizedRequest({ functionName: 'loose-fn', functionArn: fn.FunctionArn! }) };
    await expect(runProbe(clients, input, { probeRoleArn: 'arn:aws:iam::123456789012:role/x' })).rejects.toThrow(/not attached to a VPC: AttachFunction must run before RunProbe/);
  });

  it('as a Lambda handler: reads PROBE_ROLE_ARN from the environment and stamps its timing', async () => {
    const { input, probeRoleArn } = await attachedTarget();
    await queueProbeAnswers(probeAnswer());
    process.env.PROBE_ROLE_ARN = probeRoleArn;
    try {
      const slice = await handler(input);
      expect(slice).toMatchObject({ passed: true, timing: { task: 'RunProbe' } });
    } finally {
      delete process.env.PROBE_ROLE_ARN;
    }
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
