import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler as deleteNetworkHandler } from '../../functions/api/delete-network';
import { handler as deleteRequestHandler } from '../../functions/api/delete-request';
import { releaseRequest } from '../../functions/api/release';
import { executionArnOf } from '../../functions/api/requests';
import { teardownNetwork } from '../../functions/api/teardown';
import { toItem } from '../../functions/shared/registry/attributes';
import type { NetworkRecord } from '../../functions/shared/registry/records';
import { networkRecordKey, REGISTRY_TABLE_ENV, type Registry } from '../../functions/shared/registry/table';
import { emulator } from '../../local/test-support/emulator-control';
import { freshRegistry } from '../support/registry-fixture';

/**
 * DELETE /requests/{id} and DELETE /networks/{name} against moto's Step Functions and DynamoDB. moto records
 * executions but runs no definition: an execution stays RUNNING until stopped (ABORTED). A provision that
 * SUCCEEDED, and a teardown that did, are answered by the fault proxy rewriting moto's DescribeExecution.
 */
const sfn = new SFNClient({});
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api';

async function stateMachine(name: string): Promise<string> {
  const account = await emulator.account();
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name,
      roleArn: `arn:aws:iam::${account}:role/lambda-egress-states`,
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
    }),
  );
  return created.stateMachineArn ?? '';
}

async function executionsOf(stateMachineArn: string): Promise<Array<{ name: string; input: unknown }>> {
  const listed = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
  const described = await Promise.all(listed.map((execution) => sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn ?? '' }))));
  return described.map((execution) => ({ name: execution.name ?? '', input: JSON.parse(execution.input ?? 'null') as unknown })).sort((a, b) => a.name.localeCompare(b.name));
}

/** moto never ends an execution itself: the proxy answers DescribeExecution of `machineName`'s executions as SUCCEEDED, with `output`. */
async function describeAsSucceeded(machineName: string, output: unknown): Promise<void> {
  await emulator.inject({
    service: 'states',
    action: 'DescribeExecution',
    times: -1,
    fault: {
      type: 'rewrite',
      replacements: [{ pattern: `^(?=[\\s\\S]*:stateMachine:${machineName}")([\\s\\S]*)"status": ?"RUNNING"`, replacement: `$1"status": "SUCCEEDED", "output": ${JSON.stringify(JSON.stringify(output))}` }],
    },
  });
}

function apiEvent(httpMethod: string, resource: string, pathParameters: Record<string, string>): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod,
    isBase64Encoded: false,
    path: resource,
    pathParameters,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    resource,
  };
}

describe('DELETE /requests/{id}', () => {
  let machines: { provision: string; release: string };
  beforeEach(async () => {
    await emulator.freshAccount();
    machines = { provision: await stateMachine('lambda-egress-provision'), release: await stateMachine('lambda-egress-release') };
  });

  const provisioned = async (requestId: string) => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: machines.provision, name: requestId, input: JSON.stringify({ functionName: 'orders-api', network: { name: 'shared' } }) }));
  };

  it('starts the release of the function the request provisioned, named after the request (proxy: the provision SUCCEEDED)', async () => {
    // GIVEN a request whose provision succeeded, moving orders-api
    await provisioned('order-1001');
    await describeAsSucceeded('lambda-egress-provision', { functionArn: FUNCTION_ARN, network: { name: 'shared' } });
    // WHEN the catalog deletes it
    const answer = await releaseRequest(sfn, machines, 'order-1001');
    // THEN one release runs for that function's ARN, under the request's id
    expect(answer.statusCode).toBe(202);
    expect(answer.body).toEqual(
      expect.objectContaining({
        requestId: 'order-1001',
        functionArn: FUNCTION_ARN,
        executionArn: executionArnOf(machines.release, 'order-1001'),
        status: 'RUNNING',
        consoleUrl: `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${executionArnOf(machines.release, 'order-1001')}`,
      }),
    );
    expect(await executionsOf(machines.release)).toEqual([{ name: 'order-1001', input: { functionName: FUNCTION_ARN } }]);
  });

  it('answers a repeated DELETE with the same release, while it runs and after it ended, and never starts a second one (proxy: the provision SUCCEEDED)', async () => {
    await provisioned('order-1002');
    await describeAsSucceeded('lambda-egress-provision', { functionArn: FUNCTION_ARN });
    const first = await releaseRequest(sfn, machines, 'order-1002');
    const running = await releaseRequest(sfn, machines, 'order-1002');
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(machines.release, 'order-1002') }));
    const ended = await releaseRequest(sfn, machines, 'order-1002');
    expect([first.statusCode, running.statusCode, ended.statusCode]).toEqual([202, 202, 200]);
    expect(new Set([first, running, ended].map((answer) => answer.body.executionArn))).toEqual(new Set([executionArnOf(machines.release, 'order-1002')]));
    expect(ended.body.status).toBe('ABORTED');
    expect((await executionsOf(machines.release)).map((execution) => execution.name)).toEqual(['order-1002']);
  });

  it('fails with 409 while the provision still runs, and starts nothing', async () => {
    await provisioned('order-1003');
    const answer = await releaseRequest(sfn, machines, 'order-1003');
    expect(answer.statusCode).toBe(409);
    expect(answer.body.message).toMatch(/order-1003 is still running/);
    expect(await executionsOf(machines.release)).toEqual([]);
  });

  it('fails with 409 for a provision that ended without moving the function, and starts nothing', async () => {
    await provisioned('order-1004');
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(machines.provision, 'order-1004') }));
    const answer = await releaseRequest(sfn, machines, 'order-1004');
    expect(answer.statusCode).toBe(409);
    expect(answer.body.message).toMatch(/order-1004 ended ABORTED: it moved no function/);
    expect(await executionsOf(machines.release)).toEqual([]);
  });

  it('fails with 404 for an unknown request and 400 for an id that cannot be one, and starts nothing', async () => {
    expect(await releaseRequest(sfn, machines, 'never-started')).toEqual({ statusCode: 404, body: { message: expect.stringMatching(/^no request never-started/) } });
    expect((await releaseRequest(sfn, machines, 'a/b')).statusCode).toBe(400);
    expect((await releaseRequest(sfn, machines, undefined)).statusCode).toBe(400);
    expect(await executionsOf(machines.release)).toEqual([]);
  });

  it('reads the id from the path and both state machines from the environment, and answers JSON (handler; proxy: the provision SUCCEEDED)', async () => {
    await provisioned('order-1005');
    await describeAsSucceeded('lambda-egress-provision', { functionArn: FUNCTION_ARN });
    process.env.STATE_MACHINE_ARN = machines.provision;
    process.env.RELEASE_STATE_MACHINE_ARN = machines.release;
    const result = await deleteRequestHandler(apiEvent('DELETE', '/requests/{id}', { id: 'order-1005' }));
    expect(result.statusCode).toBe(202);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body).executionArn).toBe(executionArnOf(machines.release, 'order-1005'));
  });

  it('fails with a 500 that hides the details when the release state machine is not set (handler)', async () => {
    process.env.STATE_MACHINE_ARN = machines.provision;
    delete process.env.RELEASE_STATE_MACHINE_ARN;
    const result = await deleteRequestHandler(apiEvent('DELETE', '/requests/{id}', { id: 'order-1006' }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: "DELETE /requests/{id} failed; the error is in the function's log" });
  });
});

describe('DELETE /networks/{name}', () => {
  let registry: Registry;
  let teardown: string;
  beforeEach(async () => {
    registry = await freshRegistry();
    teardown = await stateMachine('lambda-egress-teardown');
  });

  const registered = async (name: string, createdAt = new Date()) => {
    const record: NetworkRecord = {
      name,
      mode: 'create',
      state: 'ready',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      azs: ['us-east-1a', 'us-east-1b'],
      natGatewayMode: 'per-az',
      natTargetIds: [],
      privateSubnetIds: [],
      execution: 'arn:aws:states:us-east-1:123456789012:execution:LambdaEgressProvision:order-1',
      ledger: [],
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    };
    await registry.dynamodb.send(new PutItemCommand({ TableName: registry.tableName, Item: toItem({ ...networkRecordKey(name), ...record }) }));
  };
  const teardownOf = (network: string) => teardownNetwork({ sfn, registry }, teardown, network);

  it('starts the teardown of a registered network, named after it, and answers a repeated DELETE with it while it runs', async () => {
    // GIVEN a network in the registry
    await registered('shared');
    // WHEN the catalog deletes it, twice
    const first = await teardownOf('shared');
    const again = await teardownOf('shared');
    // THEN one teardown runs, with the network as its input
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(first.body).toEqual(expect.objectContaining({ network: 'shared', executionArn: executionArnOf(teardown, 'shared'), status: 'RUNNING' }));
    expect(again.body.executionArn).toBe(first.body.executionArn);
    expect(await executionsOf(teardown)).toEqual([{ name: 'shared', input: { network: 'shared' } }]);
  });

  it('answers a DELETE after the teardown succeeded with that teardown, and starts no other (proxy: the teardown SUCCEEDED)', async () => {
    await registered('shared');
    await teardownOf('shared');
    await describeAsSucceeded('lambda-egress-teardown', {});
    const after = await teardownOf('shared');
    expect(after).toEqual({ statusCode: 200, body: expect.objectContaining({ network: 'shared', executionArn: executionArnOf(teardown, 'shared'), status: 'SUCCEEDED' }) });
    expect((await executionsOf(teardown)).map((execution) => execution.name)).toEqual(['shared']);
  });

  it('starts a new attempt after a teardown that failed (it refuses while functions are members), then answers with that one', async () => {
    // GIVEN a teardown that ended without success
    await registered('shared');
    await teardownOf('shared');
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(teardown, 'shared') }));
    // WHEN the catalog deletes the network again, twice
    const retried = await teardownOf('shared');
    const again = await teardownOf('shared');
    // THEN a second attempt runs, and the repeat answers it
    expect([retried.statusCode, again.statusCode]).toEqual([202, 202]);
    expect([retried.body.executionArn, again.body.executionArn]).toEqual([executionArnOf(teardown, 'shared--2'), executionArnOf(teardown, 'shared--2')]);
    expect((await executionsOf(teardown)).map((execution) => execution.name)).toEqual(['shared', 'shared--2']);
  });

  it('tears down a network built again under the same name after an earlier teardown succeeded (proxy: the teardown SUCCEEDED)', async () => {
    await registered('shared');
    await teardownOf('shared');
    await describeAsSucceeded('lambda-egress-teardown', {});
    // GIVEN the network built again after that teardown
    await registered('shared', new Date(Date.now() + 60_000));
    // WHEN it is deleted THEN a new teardown starts
    const answer = await teardownOf('shared');
    expect(answer.statusCode).toBe(202);
    expect(answer.body.executionArn).toBe(executionArnOf(teardown, 'shared--2'));
  });

  it("names a dotted network's teardown without the dot (logged execution names have none), keeping the network in the input", async () => {
    await registered('team.shared');
    await registered('team_shared');
    const dotted = await teardownOf('team.shared');
    const underscored = await teardownOf('team_shared');
    expect([dotted.statusCode, underscored.statusCode]).toEqual([202, 202]);
    expect(await executionsOf(teardown)).toEqual([
      { name: 'team_shared', input: { network: 'team.shared' } },
      { name: 'team_shared--2', input: { network: 'team_shared' } },
    ]);
  });

  it('fails with 404 for a network the registry does not know and 400 for a name that cannot be one, and starts nothing', async () => {
    expect(await teardownOf('nowhere')).toEqual({ statusCode: 404, body: { message: expect.stringMatching(/^no network nowhere in the registry/) } });
    for (const name of ['', '-leading-dash', 'a/b', 'n'.repeat(65)]) expect([name, (await teardownOf(name)).statusCode]).toEqual([name, 400]);
    expect(await executionsOf(teardown)).toEqual([]);
  });

  it('reads the name from the path, the state machine and the table from the environment, and answers JSON (handler)', async () => {
    await registered('shared');
    process.env.TEARDOWN_STATE_MACHINE_ARN = teardown;
    process.env[REGISTRY_TABLE_ENV] = registry.tableName;
    const result = await deleteNetworkHandler(apiEvent('DELETE', '/networks/{name}', { name: 'shared' }));
    expect(result.statusCode).toBe(202);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(result.body).executionArn).toBe(executionArnOf(teardown, 'shared'));
  });
});
