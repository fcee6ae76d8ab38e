import { AllocateAddressCommand, CreateNatGatewayCommand, CreateSubnetCommand, CreateVpcCommand, DeleteVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeleteFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { handler as listNetworksHandler } from '../../functions/api/get-networks';
import { listNetworks } from '../../functions/inventory/list-networks';
import { estimateMonthlyCost } from '../../functions/shared/cost';
import { recordMembership } from '../../functions/shared/registry/membership';
import { REGISTRY_TABLE_ENV, type Registry } from '../../functions/shared/registry/table';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';
import { emulator } from '../../local/test-support/emulator-control';
import { execution, freshRegistry } from '../support/registry-fixture';

/**
 * The inventory against moto: the registry read back and checked against EC2 and Lambda. Network "shared" has
 * a live VPC with one NAT gateway and three members: one in place, one moved off its subnets, one deleted.
 * Network "gone" is recorded with a VPC that has been deleted.
 */
const ec2 = new EC2Client({});
const RETIRED_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:retired';
const lambda = new LambdaClient({});

async function member(registry: Registry, network: { name: string; vpcId: string; subnetIds: string[]; natGatewayIds: string[] }, functionArn: string, functionName: string): Promise<void> {
  await recordMembership(registry, {
    owner: execution(`provision-${functionName}`).id,
    network: { name: network.name, mode: 'create', vpcId: network.vpcId, azs: ['us-east-1a'], natGatewayMode: 'single', natTargetIds: network.natGatewayIds, privateSubnetIds: network.subnetIds, ledger: [] },
    member: { functionArn, functionName, originalVpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false }, vpcAccessPolicyAttachedBefore: false },
  });
}

async function twoNetworks(): Promise<{ registry: Registry; vpcId: string; goneVpcId: string; natGatewayId: string; arns: Record<string, string> }> {
  const registry = await freshRegistry();
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId ?? '';
  const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId ?? '';
  const natGatewayId = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway?.NatGatewayId ?? '';
  const shared = { name: 'shared', vpcId, subnetIds: [subnetId], natGatewayIds: [natGatewayId] };
  const arns: Record<string, string> = {};
  for (const name of ['orders', 'billing', 'reports']) {
    const created = await createSampleFunction(name);
    arns[name] = created.FunctionArn ?? '';
    // moto keeps VpcConfig verbatim; both lists are needed (EMULATOR.md).
    if (name !== 'billing') await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, VpcConfig: { SubnetIds: [subnetId], SecurityGroupIds: ['sg-egress'] } }));
    await member(registry, shared, arns[name] ?? '', name);
  }
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'reports' }));
  const goneVpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId ?? '';
  await recordMembership(registry, {
    owner: execution('provision-old').id,
    network: { name: 'gone', mode: 'create', vpcId: goneVpcId, azs: ['us-east-1a'], natGatewayMode: 'single', natTargetIds: ['nat-0123456789abcdef0'], privateSubnetIds: ['subnet-x'], ledger: [] },
    member: { functionArn: RETIRED_ARN, functionName: 'retired', originalVpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false }, vpcAccessPolicyAttachedBefore: false },
  });
  await ec2.send(new DeleteVpcCommand({ VpcId: goneVpcId }));
  return { registry, vpcId, goneVpcId, natGatewayId, arns };
}

describe('networks inventory', () => {
  it('lists each network with its VPC, NAT gateways, functions and monthly cost, and shows drift with its fix', async () => {
    // GIVEN two recorded networks, one healthy but with drifted members, one whose VPC is gone
    const { registry, vpcId, goneVpcId, natGatewayId, arns } = await twoNetworks();
    // WHEN the inventory is read
    const inventory = await listNetworks({ registry, ec2, lambda });
    // THEN "shared" has its one live NAT priced as plan prices it, and the two drifted members with fixes
    const [gone, shared] = inventory.networks;
    expect(shared).toMatchObject({ name: 'shared', state: 'ready', vpcId, natGateways: { ids: [natGatewayId], live: 1 }, drifted: true });
    expect(shared?.monthlyCost.totalUsd).toBe(estimateMonthlyCost({ natGateways: 1, gbPerMonth: 0 }).totalUsd);
    expect(shared?.functions.map((fn) => [fn.functionName, fn.drift?.subject])).toEqual([
      ['billing', arns.billing],
      ['orders', undefined],
      ['reports', arns.reports],
    ]);
    expect(shared?.drift.map((drift) => drift.problem)).toEqual([
      expect.stringMatching(/^function billing is in no VPC, not on the subnets of network "shared"/),
      'function reports no longer exists',
    ]);
    expect(shared?.drift.map((drift) => drift.fix)).toEqual([expect.stringContaining('provision billing onto "shared" again, or release it'), expect.stringContaining('release reports')]);
    // AND "gone" is drifted by its VPC, costs nothing, and says how to fix it
    expect(gone).toMatchObject({ name: 'gone', vpcId: goneVpcId, natGateways: { live: 0 }, drifted: true });
    expect(gone?.monthlyCost.totalUsd).toBe(0);
    expect(gone?.drift.map((drift) => drift.subject)).toEqual([goneVpcId, RETIRED_ARN]);
    expect(gone?.drift[0]).toMatchObject({ problem: `the VPC ${goneVpcId} of network "gone" no longer exists`, fix: expect.stringContaining('provision a member again to rebuild the network') });
    expect(inventory.totalMonthlyUsd).toBe(shared?.monthlyCost.totalUsd);
  });

  it('flags a member whose function is Inactive, and one Failed with InsufficientRolePermissions, each with the fix (fault proxy: the states AWS answers after weeks idle)', async () => {
    // GIVEN the two networks, and Lambda answering for "orders" (in place) first Inactive, then Failed for want of role permissions
    const { registry, arns } = await twoNetworks();
    const asState = (state: string, code: string) =>
      ({ type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: `"State": "${state}", "StateReasonCode": "${code}"` }] }) as const;
    const looks = (await emulator.calls()).filter((call) => call.action === 'GetFunctionConfiguration').length;
    await emulator.inject({ service: 'lambda', action: 'GetFunctionConfiguration', nth: looks + 1, times: -1, fault: asState('Inactive', 'Idle') });

    // WHEN the inventory is read
    const inactive = (await listNetworks({ registry, ec2, lambda })).networks.find((network) => network.name === 'shared');
    await emulator.clearFaults();
    await emulator.inject({ service: 'lambda', action: 'GetFunctionConfiguration', times: -1, fault: asState('Failed', 'InsufficientRolePermissions') });
    const failed = (await listNetworks({ registry, ec2, lambda })).networks.find((network) => network.name === 'shared');

    // THEN the member in place is drifted by its state, with the policy to give back and the invoke that wakes it
    for (const [inventory, problem] of [
      [inactive, 'function orders is Inactive'],
      [failed, 'function orders is Failed (InsufficientRolePermissions)'],
    ] as const) {
      const orders = inventory?.functions.find((fn) => fn.functionName === 'orders');
      expect(orders?.drift).toEqual({
        subject: arns.orders,
        problem: expect.stringContaining(problem),
        fix: expect.stringMatching(/aws iam attach-role-policy --role-name orders-role --policy-arn arn:aws:iam::aws:policy\/service-role\/AWSLambdaVPCAccessExecutionRole.*aws lambda invoke --function-name orders/),
      });
    }
  });

  it('answers GET /networks with the same inventory', async () => {
    const { registry } = await twoNetworks();
    process.env[REGISTRY_TABLE_ENV] = registry.tableName;
    const response = await listNetworksHandler();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual(JSON.parse(JSON.stringify(await listNetworks({ registry, ec2, lambda }))));
  });

  it('prints the inventory with `networks --local --json`, creating the registry in the emulator when it is not there', async () => {
    // GIVEN an emulator account with a network recorded (AWS_ENDPOINT_URL: the CLI uses this emulator)
    const { vpcId } = await twoNetworks();
    // WHEN the CLI runs as a process
    const run = await runCli(['networks', '--local', '--json']);
    // THEN it names each network, its VPC, its functions and a monthly cost
    expect([run.code, run.stderr]).toEqual([0, expect.stringContaining('Local mode: using the emulator')]);
    const inventory = JSON.parse(run.stdout) as { networks: Array<{ name: string; vpcId: string; functions: Array<{ functionName: string }>; monthlyCost: { totalUsd: number } }> };
    expect(inventory.networks.map((network) => network.name)).toEqual(['gone', 'shared']);
    expect(inventory.networks[1]).toMatchObject({ vpcId, monthlyCost: { totalUsd: estimateMonthlyCost({ natGateways: 1, gbPerMonth: 0 }).totalUsd } });
    expect(inventory.networks[1]?.functions.map((fn) => fn.functionName)).toEqual(['billing', 'orders', 'reports']);
    // AND on an account with no registry yet it creates the table and lists nothing
    await emulator.freshAccount();
    const empty = await runCli(['networks', '--local']);
    expect([empty.code, empty.stdout.trim()]).toEqual([0, 'No networks in the registry yet: `lambda-egress provision` creates one.']);
  }, PROCESS_TEST_TIMEOUT_MS);
});
