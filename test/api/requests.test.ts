import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as getHandler } from '../../functions/api/get-request';
import { handler as startHandler } from '../../functions/api/start-request';
import { executionArnOf } from '../../functions/api/requests';
import { CALLER_CHECK_ENV } from '../../functions/api/caller-check';
import { startRequest } from '../../functions/api/start';
import { currentStepOf, requestStatus } from '../../functions/api/status';
import { emulator } from '../../local/test-support/emulator-control';
import { failedProvisionHistory } from '../support/sfn-history';
import { apiEvent } from './api-event';

/**
 * The catalog API's functions against moto's Step Functions (which records executions but runs no
 * definition): the idempotency key is the execution name, so a retried POST never starts a second workflow.
 */
const sfn = new SFNClient({});
const REQUEST = { functionName: 'orders-api', network: { name: 'shared' } };

async function stateMachine(): Promise<string> {
  const account = await emulator.freshAccount();
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: 'lambda-egress-provision',
      roleArn: `arn:aws:iam::${account}:role/lambda-egress-states`,
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
    }),
  );
  return created.stateMachineArn ?? '';
}

async function executionsOf(stateMachineArn: string): Promise<string[]> {
  return ((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? []).map((execution) => execution.name ?? '');
}

describe('POST /requests', () => {
  let stateMachineArn: string;
  beforeEach(async () => {
    stateMachineArn = await stateMachine();
    // moto evaluates no IAM: the caller check has its own tests with simulated answers (test/api/caller-check.test.ts).
    process.env[CALLER_CHECK_ENV] = 'off';
  });
  afterAll(() => {
    delete process.env[CALLER_CHECK_ENV];
  });

  it('starts the workflow with the request as input, named after the Idempotency-Key', async () => {
    const answer = await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1001', body: JSON.stringify(REQUEST) });
    expect(answer.statusCode).toBe(202);
    expect(answer.body).toEqual(expect.objectContaining({ requestId: 'order-1001', executionArn: executionArnOf(stateMachineArn, 'order-1001'), status: 'RUNNING' }));
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, 'order-1001') }));
    expect(JSON.parse(execution.input ?? '')).toEqual(REQUEST);
  });

  it('answers a retried POST with the same execution, while it runs and after it ended, and never starts a second one', async () => {
    // GIVEN a started request
    const first = await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1002', body: JSON.stringify(REQUEST) });
    // WHEN the catalog retries it (re-serialised) while it runs, and again once it has stopped
    const running = await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1002', body: JSON.stringify(REQUEST, null, 2) });
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(stateMachineArn, 'order-1002') }));
    const ended = await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1002', body: JSON.stringify(REQUEST) });
    // THEN every answer names the one execution
    expect([first.statusCode, running.statusCode, ended.statusCode]).toEqual([202, 202, 200]);
    expect(new Set([first, running, ended].map((answer) => answer.body.executionArn)).size).toBe(1);
    expect(ended.body.status).toBe('ABORTED');
    expect(await executionsOf(stateMachineArn)).toEqual(['order-1002']);
  });

  it('fails with 409 when the key was used for a different request, and starts nothing', async () => {
    await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1003', body: JSON.stringify(REQUEST) });
    const other = await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1003', body: JSON.stringify({ functionName: 'billing' }) });
    expect(other.statusCode).toBe(409);
    expect(other.body.message).toMatch(/Idempotency-Key order-1003 was already used for a different request/);
    expect(await executionsOf(stateMachineArn)).toEqual(['order-1003']);
  });

  it.each([
    ['no key', undefined],
    ['an empty key', ''],
    ['a key with a slash', 'order/1'],
    ['a key of 81 characters', 'k'.repeat(81)],
  ])('fails with 400 for %s, and starts nothing', async (_name, idempotencyKey) => {
    const answer = await startRequest(sfn, stateMachineArn, { ...(idempotencyKey === undefined ? {} : { idempotencyKey }), body: JSON.stringify(REQUEST) });
    expect(answer.statusCode).toBe(400);
    expect(answer.body.message).toMatch(/Idempotency-Key header must be 1 to 80 letters, digits/);
    expect(await executionsOf(stateMachineArn)).toEqual([]);
  });

  it('fails with 400 for a body that is not JSON', async () => {
    const answer = await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-1004', body: '{"functionName":' });
    expect(answer).toEqual({ statusCode: 400, body: { message: expect.stringMatching(/must be a JSON request/) } });
  });

  it('reads the key from the header in any case, and answers JSON (handler)', async () => {
    process.env.STATE_MACHINE_ARN = stateMachineArn;
    const result = await startHandler(apiEvent({ headers: { 'idempotency-key': 'order-1005' }, body: JSON.stringify(REQUEST) }));
    expect(result.statusCode).toBe(202);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body).executionArn).toBe(executionArnOf(stateMachineArn, 'order-1005'));
  });

  it('fails with a 500 that hides the details when Step Functions refuses (handler)', async () => {
    process.env.STATE_MACHINE_ARN = stateMachineArn.replace(/:[^:]+$/, ':deleted-machine');
    const result = await startHandler(apiEvent({ headers: { 'Idempotency-Key': 'order-1006' }, body: JSON.stringify(REQUEST) }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: "POST /requests failed; the error is in the function's log" });
  });
});

describe('GET /requests/{id}', () => {
  let stateMachineArn: string;
  beforeEach(async () => {
    stateMachineArn = await stateMachine();
  });

  it('answers the status of a started request', async () => {
    await startRequest(sfn, stateMachineArn, { idempotencyKey: 'order-2001', body: JSON.stringify(REQUEST) });
    process.env.STATE_MACHINE_ARN = stateMachineArn;
    const result = await getHandler(apiEvent({ httpMethod: 'GET', pathParameters: { id: 'order-2001' } }));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual(expect.objectContaining({ requestId: 'order-2001', executionArn: executionArnOf(stateMachineArn, 'order-2001'), status: 'RUNNING' }));
  });

  it('fails with 404 for an unknown request and 400 for an id that cannot be one', async () => {
    expect((await requestStatus(sfn, stateMachineArn, 'never-started')).statusCode).toBe(404);
    expect((await requestStatus(sfn, stateMachineArn, 'a b')).statusCode).toBe(400);
  });
});

describe('GET /requests/{id} of executions moto cannot run (mocked: Step Functions history)', () => {
  // Mocks every SFNClient while it exists: created here, not at collection time, so the moto tests stay real.
  let mocked: ReturnType<typeof mockClient>;
  beforeAll(() => {
    mocked = mockClient(SFNClient);
  });
  afterEach(() => mocked.reset());
  afterAll(() => mocked.restore());
  const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:provision';
  const executionArn = executionArnOf(machine, 'order-3001');

  it('answers the error and the rollback report of a failed request', async () => {
    const history = failedProvisionHistory();
    mocked.on(DescribeExecutionCommand, { executionArn }).resolves({
      executionArn,
      status: 'FAILED',
      startDate: new Date(0),
      stopDate: new Date(20_000),
      error: 'ProbeFailed',
      cause: history.at(-1)?.executionFailedEventDetails?.cause,
    });
    mocked.on(GetExecutionHistoryCommand).resolves({ events: history });
    const answer = await requestStatus(new SFNClient({}), machine, 'order-3001');
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual(
      expect.objectContaining({
        status: 'FAILED',
        error: 'ProbeFailed',
        cause: expect.stringContaining('timed out after 3 s'),
        rollback: expect.objectContaining({ steps: [{ kind: 'vpc', id: 'vpc-0a1', outcome: 'deleted' }] }),
        durationMs: 20_000,
      }),
    );
    expect(answer.body.currentStep).toBeUndefined();
  });

  it('answers the step a running request is in', async () => {
    const history = failedProvisionHistory();
    const untilEnsureVpcRuns = history.slice(0, history.findIndex((event) => event.stateEnteredEventDetails?.name === 'EnsureVpc') + 2);
    mocked.on(DescribeExecutionCommand, { executionArn }).resolves({ executionArn, status: 'RUNNING', startDate: new Date(0) });
    mocked.on(GetExecutionHistoryCommand).resolves({ events: untilEnsureVpcRuns });
    const answer = await requestStatus(new SFNClient({}), machine, 'order-3001');
    expect(answer.body).toEqual(expect.objectContaining({ status: 'RUNNING', currentStep: 'EnsureVpc' }));
  });
});

describe('currentStepOf', () => {
  it('names the most recent step still open, across parallel branches', () => {
    expect(
      currentStepOf([
        { kind: 'entered', step: 'EnsureNatGateway', at: 1 },
        { kind: 'entered', step: 'AttachFunction', at: 2 },
        { kind: 'exited', step: 'AttachFunction', at: 3 },
        { kind: 'entered', step: 'CheckFunctionUpdate', at: 4 },
      ]),
    ).toBe('CheckFunctionUpdate');
    expect(currentStepOf([{ kind: 'entered', step: 'A', at: 1 }, { kind: 'exited', step: 'A', at: 2 }])).toBeUndefined();
  });
});
