import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler as startHandler } from '../../functions/api/start-request';
import { handler as getHandler } from '../../functions/api/get-request';
import { handler as listNetworksHandler } from '../../functions/api/get-networks';
import { CALLER_CHECK_ENV } from '../../functions/api/caller-check';
import { PROVISION_STATE_MACHINE_ENV } from '../../functions/api/requests';
import { readMembership } from '../../functions/shared/registry/read-membership';
import { registryTableName } from '../../functions/shared/registry/table';
import { emulator } from '../../local/test-support/emulator-control';
import { formatSuccess } from '../../cli/output';
import { palette } from '../../cli/io';
import type { ProvisionResult } from '../../functions/report/types';
import { runCli, PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { apiEvent, type ApiCaller } from './api-event';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * Who asked: POST /requests puts API Gateway's SigV4 caller (requestContext.identity) into the execution input
 * as requestedBy, and refuses a body that carries one. moto's Step Functions records the execution (it runs no
 * definition); that input, run by the local runner through the real provision definition, reaches the registry,
 * `networks --json` and the result. The caller check is off here: moto evaluates no IAM
 * (test/api/caller-check.test.ts covers it with simulated answers).
 */
const sfn = new SFNClient({});
const SESSION = 'arn:aws:sts::123456789012:assumed-role/team-a-catalog/alice';

function post(body: unknown, key: string, identity?: ApiCaller): APIGatewayProxyEvent {
  return apiEvent({ body: JSON.stringify(body), headers: { 'Idempotency-Key': key } }, identity ?? null);
}

const ALICE = { userArn: SESSION, caller: 'AROAEXAMPLE:alice', accountId: '123456789012' };

describe('POST /requests: the caller, not the body, says who asked', () => {
  let stateMachineArn: string;
  beforeEach(async () => {
    await freshAccountWithFunction('team-a-orders');
    stateMachineArn =
      (await sfn.send(new CreateStateMachineCommand({ name: 'lambda-egress-provision', roleArn: `arn:aws:iam::${await emulator.account()}:role/states`, definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }) })))
        .stateMachineArn ?? '';
    process.env[PROVISION_STATE_MACHINE_ENV] = stateMachineArn;
    process.env[CALLER_CHECK_ENV] = 'off';
  });
  afterAll(() => {
    delete process.env[CALLER_CHECK_ENV];
  });

  it('records the SigV4 caller as requestedBy from the execution input through the registry to networks --json, the result and GET /requests/{id}', async () => {
    // GIVEN a request signed by the session alice of role team-a-catalog
    const request = { functionName: 'team-a-orders', network: { name: 'team-a' } };
    // WHEN it is posted
    const answer = await startHandler(post(request, 'order-7001', ALICE));
    expect(answer.statusCode).toBe(202);
    // THEN the execution's input carries the caller, beside the request as sent
    const { executionArn } = JSON.parse(answer.body) as { executionArn: string };
    const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn }))).input ?? '{}') as Record<string, unknown>;
    const requestedBy = { via: 'api', principal: SESSION, caller: 'AROAEXAMPLE:alice', accountId: '123456789012' };
    expect(input).toEqual({ ...request, requestedBy });
    // AND GET /requests/{id} names it
    expect(JSON.parse((await getHandler({ pathParameters: { id: 'order-7001' } } as unknown as APIGatewayProxyEvent)).body)).toMatchObject({ requestId: 'order-7001', requestedBy });

    // WHEN the provision definition runs on that input
    await queueProbeAnswers(passingProbe());
    const run = await provision(input);
    // THEN the result and the membership keep it
    expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
    expect((run.output as { requestedBy?: unknown }).requestedBy).toEqual(requestedBy);
    const functionArn = (run.output as { functionArn: string }).functionArn;
    const membership = await readMembership({ dynamodb: new DynamoDBClient({}), tableName: registryTableName() }, functionArn);
    expect(membership?.requestedBy).toEqual(requestedBy);
    // AND `networks --json` shows it for the member, the text output in words
    const listed = await runCli(['networks', '--local', '--json']);
    expect(listed.code).toBe(0);
    const inventory = JSON.parse(listed.stdout) as { networks: Array<{ name: string; functions: Array<{ functionName: string; requestedBy?: unknown }> }> };
    expect(inventory.networks.find((network) => network.name === 'team-a')?.functions).toEqual([expect.objectContaining({ functionName: 'team-a-orders', requestedBy })]);
    // AND GET /networks, the same inventory
    const answered = JSON.parse((await listNetworksHandler()).body) as typeof inventory;
    expect(answered.networks.find((network) => network.name === 'team-a')?.functions).toEqual([expect.objectContaining({ functionName: 'team-a-orders', requestedBy })]);
    const text = await runCli(['networks', '--local']);
    expect(text.stdout).toContain(`team-a-orders requested by ${SESSION} (catalog API, as AROAEXAMPLE:alice)`);
  });

  it('fails with 400 for a body carrying requestedBy, and starts nothing', async () => {
    const answer = await startHandler(post({ functionName: 'team-a-orders', requestedBy: { via: 'api', principal: 'arn:aws:iam::123456789012:user/admin' } }, 'order-7002', ALICE));
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ message: 'the body must not carry requestedBy: the API records the SigV4 caller as the one who asked; remove the field' });
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions).toEqual([]);
  });

  it('fails with 403 when the request context holds no caller (the method is not IAM-authorized), and starts nothing', async () => {
    const answer = await startHandler(post({ functionName: 'team-a-orders' }, 'order-7003'));
    expect(answer.statusCode).toBe(403);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions).toEqual([]);
  });

  it('records a direct StartExecution as the execution itself, and refuses a forged shape in ValidateRequest', async () => {
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName: 'team-a-orders', network: { name: 'direct' } });
    expect((run.output as { requestedBy?: unknown }).requestedBy).toEqual({ via: 'start-execution', execution: run.executionArn });
    // AND the report in words
    const report = formatSuccess({ mode: 'local', status: 'SUCCEEDED', executionArn: run.executionArn, result: run.output as ProvisionResult }, palette(false));
    expect(report).toContain(`requested by:      StartExecution (${run.executionArn}; CloudTrail names the caller)`);
    const forged = await provision({ functionName: 'team-a-orders', requestedBy: { via: 'someone' } });
    expect([forged.status, forged.error]).toEqual(['FAILED', 'InvalidRequest']);
  });
});
