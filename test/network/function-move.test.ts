import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ParsedCommand } from '../../cli/parsed-command';
import envelope from '../../cli/json-output.schema.json';
import provisionSchema from '../../cli/output.schema.json';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import type { ProvisionResult } from '../../functions/report/types';
import { natGatewaysMonthlyCost } from '../../functions/network/network-cost';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { runInMemory } from '../support/run-in-memory';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';
import { freshAccountWithFunction } from '../support/harness';
import { execution } from '../support/workflow';

/**
 * Moving a function out of another VPC (its own, or another lambda-egress network's) takes it away from that
 * VPC's subnets and security groups: asked for explicitly (moveFromVpc, --move-from-vpc) or refused before
 * anything is created; plan and the result say what it leaves.
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
ajv.addSchema(provisionSchema);
const validJson = ajv.compile(envelope);

type RequestFlags = Extract<ParsedCommand, { command: 'plan' }>['request'];
const flags = (extra: Partial<RequestFlags>): RequestFlags => ({ functionName: 'orders-api', singleNat: true, azs: 1, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false, ...extra });
const target = { local: true, demo: false } as const;
const plan = (request: RequestFlags, json = false) => runInMemory({ command: 'plan', request, target, output: { json, quiet: true }, gbPerMonth: 0 });
const provision = (request: RequestFlags, json = true) => runInMemory({ command: 'provision', request, target, output: { json, quiet: true } });

/** The user's own VPC, with a subnet and the function's own security group (its database access), the function in it. */
async function functionInOwnVpc(functionName: string): Promise<{ vpcId: string; subnetId: string; groupId: string }> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.70.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const groupId = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'orders-db-access', Description: 'the database' }))).GroupId!;
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, VpcConfig: { SubnetIds: [subnetId], SecurityGroupIds: [groupId] } }));
  return { vpcId, subnetId, groupId };
}

describe('moving a function out of another VPC (moveFromVpc, --move-from-vpc)', () => {
  it('fails InvalidRequest naming moveFromVpc, the VPC, its subnets and groups, with zero mutating calls; plan gives the same answer', async () => {
    // GIVEN a function in its own VPC with its own security group
    const { functionName } = await freshAccountWithFunction('orders-api');
    const own = await functionInOwnVpc(functionName);
    await emulator.clearCalls();
    // WHEN a request would move it to a lambda-egress network, without asking for the move
    const validation = validateRequest({ input: { functionName, network: { name: 'shop', azCount: 1, natGateways: 'single' } }, execution: execution('move-refused') });
    // THEN it is refused, naming the field that allows it and what the function would leave
    await expect(validation).rejects.toMatchObject({
      name: 'InvalidRequest',
      field: 'moveFromVpc',
      message: expect.stringMatching(new RegExp(`orders-api is in ${own.vpcId} \\(subnets ${own.subnetId}; security groups ${own.groupId}\\).*--move-from-vpc \\(request field moveFromVpc: true\\).*--vpc-id ${own.vpcId}`)),
    });
    // AND plan says the same (exit 2, nothing changed), and the function and the account are as they were
    const planned = await plan(flags({ network: 'shop' }));
    expect([planned.code, planned.err]).toEqual([2, expect.stringContaining('✖ InvalidRequest: moveFromVpc:')]);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).VpcConfig?.SecurityGroupIds).toEqual([own.groupId]);
  });

  it('moves it when asked: plan and the result name the VPC it leaves, its subnets and security groups', async () => {
    // GIVEN a function in its own VPC with its own security group
    const { functionName } = await freshAccountWithFunction('orders-api');
    const own = await functionInOwnVpc(functionName);
    // WHEN plan is asked with --move-from-vpc (the command line, as a process)
    const planned = await runCli(['plan', '--local', '-q', '-f', functionName, '--network', 'shop', '--azs', '1', '--single-nat', '--move-from-vpc']);
    // THEN it says what the function leaves
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain(`! leaves ${own.vpcId}: subnets ${own.subnetId}; security groups ${own.groupId} (and what they reach)`);
    // WHEN it is provisioned with --move-from-vpc
    const run = await provision(flags({ network: 'shop', moveFromVpc: true }), false);
    // THEN it moved, and the result names the VPC, subnets and groups it left (no lambda-egress network there)
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`moved out:\\s+leaves ${own.vpcId}: subnets ${own.subnetId}; security groups ${own.groupId} \\(and what they reach\\)`));
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).VpcConfig?.SecurityGroupIds).not.toContain(own.groupId);
  });

  it('moving the last member out of a lambda-egress network: plan and the result give what that network still costs a month and its teardown command', async () => {
    // GIVEN orders-api, the only member of network "blue" (1 AZ, one NAT gateway)
    const { functionName } = await freshAccountWithFunction('orders-api');
    const blue = await provision(flags({ network: 'blue' }));
    expect(blue.code).toBe(0);
    const blueResult = (JSON.parse(blue.out) as { result: ProvisionResult }).result;
    const stillCosts = natGatewaysMonthlyCost('single', 1, 1).totalUsd;

    // WHEN it is asked onto network "green" without --move-from-vpc THEN it is refused, nothing changed
    await emulator.clearCalls();
    const validation = validateRequest({ input: { functionName, network: { name: 'green', azCount: 1, natGateways: 'single' } }, execution: execution('move-refused') });
    await expect(validation).rejects.toMatchObject({ name: 'InvalidRequest', field: 'moveFromVpc', message: expect.stringContaining(`orders-api is in ${blueResult.network.vpcId}`) });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    const refused = await provision(flags({ network: 'green' }));
    expect(refused.code).toBe(2);

    // WHEN plan is asked with --move-from-vpc THEN it names blue, its monthly cost and the teardown command
    const planned = await plan(flags({ network: 'green', moveFromVpc: true }), true);
    expect(planned.code).toBe(0);
    const left = (JSON.parse(planned.out) as { request: { leavesVpc: unknown } }).request.leavesVpc;
    const expected = {
      vpcId: blueResult.network.vpcId,
      subnetIds: blueResult.network.privateSubnetIds,
      securityGroupIds: [blueResult.network.securityGroupId],
      network: { name: 'blue', membersLeft: 0, monthlyCostUsd: stillCosts, teardownCommand: 'lambda-egress teardown --network blue' },
    };
    expect(left).toEqual(expected);
    const text = await plan(flags({ network: 'green', moveFromVpc: true }));
    expect(text.out).toContain(`! network "blue" has no members left and still costs $${stillCosts.toFixed(2)} a month: lambda-egress teardown --network blue`);

    // WHEN it moves THEN the result says the same
    const moved = await provision(flags({ network: 'green', moveFromVpc: true }));
    expect(moved.code).toBe(0);
    const document = JSON.parse(moved.out) as { result: ProvisionResult };
    expect(validJson(document) ? [] : validJson.errors).toEqual([]);
    expect(document.result.function.leftVpc).toEqual(expected);
  });
});
