import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

/**
 * Issue 26 point 2, as a user runs it: `provision --local` twice with the same request. The second run finds the
 * function a member of the ready network, on its subnets and security group, its NAT gateways available, and
 * writes nothing (docs/joins.md "A repeated request"). The fault proxy's call log is the witness.
 */
jest.setTimeout(3 * PROCESS_TEST_TIMEOUT_MS);

const lambda = new LambdaClient({});

interface Document {
  status: string;
  result?: { alreadyMember?: true; network: { name: string; vpcId: string; privateSubnetIds: string[]; securityGroupId?: string; egressIps: string[]; natGateways: unknown[] } };
}

async function provisionOrders(...extra: string[]): Promise<{ code: number | null; document: Document; stderr: string }> {
  const run = await runCli(['provision', '--local', '--function', 'orders', '--network', 'shared', '--json', ...extra]);
  return { code: run.code, document: (run.code === 0 ? JSON.parse(run.stdout) : { status: 'FAILED' }) as Document, stderr: run.stderr.slice(-2000) };
}

describe('a repeated request is a read-only no-op', () => {
  it('the same request again exits 0, says the function already has egress through the network, and makes zero mutating calls (AWS and registry)', async () => {
    // GIVEN orders provisioned onto network "shared"
    await emulator.freshAccount();
    await createSampleFunction('orders');
    const first = await provisionOrders();
    expect([first.code, first.stderr.includes('rror') ? first.stderr : '']).toEqual([0, '']);
    expect(first.document.result?.alreadyMember).toBeUndefined();

    // WHEN the same request runs again, the call log cleared first
    await emulator.clearCalls();
    const again = await runCli(['provision', '--local', '--function', 'orders', '--network', 'shared']);
    const calls = await emulator.calls();

    // THEN it exits 0 and says nothing changed
    expect([again.code, again.code === 0 ? '' : again.stderr.slice(-2000)]).toEqual([0, '']);
    expect(again.stdout).toContain('orders already has egress through network "shared"');
    // AND the fault proxy saw no mutating call at all: no lock, claim or membership (DynamoDB), no SSM PutParameter, no Lambda/EC2/IAM change
    expect(mutatingCalls(calls)).toEqual([]);
    // AND it did read (the check is real, not skipped)
    expect(calls.map((call) => call.action)).toEqual(expect.arrayContaining(['GetFunctionConfiguration', 'DescribeNatGateways']));

    // WHEN it runs a third time with --json
    await emulator.clearCalls();
    const third = await provisionOrders();
    // THEN the JSON result carries alreadyMember and the network as the first run reported it
    expect(third.code).toBe(0);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(third.document.result?.alreadyMember).toBe(true);
    const { network } = first.document.result!;
    expect(third.document.result?.network).toMatchObject({
      name: 'shared',
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      securityGroupId: network.securityGroupId,
      egressIps: network.egressIps,
    });
    expect(third.document.result?.network.natGateways).toEqual(network.natGateways);
  });

  it("is not a no-op when the function's VpcConfig was changed by hand: the provision runs its join and puts it back", async () => {
    // GIVEN orders provisioned onto "shared", then its subnets cut down to one by hand
    await emulator.freshAccount();
    await createSampleFunction('orders');
    const first = await provisionOrders();
    expect(first.code).toBe(0);
    const { privateSubnetIds, securityGroupId } = first.document.result!.network;
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders', VpcConfig: { SubnetIds: privateSubnetIds.slice(0, 1), SecurityGroupIds: [securityGroupId!] } }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: 'orders' });

    // WHEN the same request runs again
    await emulator.clearCalls();
    const again = await provisionOrders();

    // THEN it is a join, not a no-op: it writes (the claim, the function's update) and the function is back on every subnet
    expect([again.code, again.stderr.includes('rror') ? again.stderr : '']).toEqual([0, '']);
    expect(again.document.result?.alreadyMember).toBeUndefined();
    expect(mutatingCalls(await emulator.calls())).toEqual(expect.arrayContaining(['TransactWriteItems', 'UpdateFunctionConfiguration']));
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    expect([...(config.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...privateSubnetIds].sort());
  });

  it('is not a no-op when the request states a different setting: it is refused by name, as a join with other settings is', async () => {
    // GIVEN orders provisioned onto "shared" (one NAT gateway per AZ)
    await emulator.freshAccount();
    await createSampleFunction('orders');
    expect((await provisionOrders()).code).toBe(0);

    // WHEN the request asks for a single NAT gateway
    const again = await runCli(['provision', '--local', '--function', 'orders', '--network', 'shared', '--single-nat']);

    // THEN it does not report "already has egress": the settings check names the field
    expect(again.code).not.toBe(0);
    expect(again.stdout + again.stderr).not.toContain('already has egress');
    expect(again.stdout + again.stderr).toContain('network.natGateways');
  });
});
