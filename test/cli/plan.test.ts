import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateAliasCommand, LambdaClient, PublishVersionCommand, TagResourceCommand } from '@aws-sdk/client-lambda';
import type { ParsedCommand } from '../../cli/parsed-command';
import { runCommand } from '../../cli/run';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork } from '../support/egress-network';
import { memoryIo } from '../support/memory-io';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';
import { EGRESS_MODES, estimateModeCost } from '../../functions/network/mode-cost';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});

function plan(functionName: string, extra: { network?: string; vpcId?: string; singleNat?: boolean } = {}): Extract<ParsedCommand, { command: 'plan' }> {
  return {
    command: 'plan',
    request: { functionName, ...extra, singleNat: extra.singleNat === true, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
    target: { local: false, demo: false },
    output: { json: true, quiet: false },
    gbPerMonth: 100,
  };
}

describe('lambda-egress plan', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('lists what a new network would hold and its monthly cost, with zero mutating calls (as a process)', async () => {
    // GIVEN a function and an empty account
    await createSampleFunction('orders');
    await emulator.clearCalls();
    // WHEN
    const run = await runCli(['plan', '-f', 'orders', '--network', 'shop', '--gb-per-month', '200']);
    // THEN
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('Network "shop" does not exist yet:');
    expect(run.stdout).toMatch(/\+ 2 NAT gateways, each with an Elastic IP, one in the public subnet of each AZ/);
    expect(run.stdout).toMatch(/\+ private subnet 10\.0\.\d+\.0\/\d+ in us-east-1a/);
    expect(run.stdout).toContain('~ VpcConfig: from no VPC to the private subnets of network "shop"');
    expect(run.stdout).toContain('AWSLambdaVPCAccessExecutionRole attached for the update, detached again at the end');
    expect(run.stdout).toMatch(/NAT data processing\s+200 GB × \$0\.045\s+\$9\.00/);
    expect(run.stdout).toMatch(/Total a month\s+\$82\.00/);
    // AND nothing changed: only reads went to AWS
    const calls = await emulator.calls();
    expect(calls.length).toBeGreaterThan(3);
    expect(mutatingCalls(calls)).toEqual([]);
  });

  it('plan --json lists the monthly cost of every egress mode for the same request (2 AZs, the given traffic)', async () => {
    // GIVEN a function and an empty account
    await createSampleFunction('orders');
    // WHEN
    const run = await runCli(['plan', '-f', 'orders', '--network', 'shop', '--gb-per-month', '200', '--json']);
    // THEN every mode is priced as mode-cost.ts prices it for 2 AZs and 200 GB
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { modes: Array<{ mode: string; monthlyUsd: number }> };
    expect(plan.modes.map((mode) => [mode.mode, mode.monthlyUsd])).toEqual(
      EGRESS_MODES.map((mode) => [mode, estimateModeCost(mode, { azCount: 2, gbPerMonth: 200 }).totalUsd]),
    );
  });

  it('prints the modes side by side for the request', async () => {
    await createSampleFunction('orders');
    const run = await runCli(['plan', '-f', 'orders', '--network', 'shop', '--regional-nat']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Every egress mode for 2 AZ(s) at this traffic, a month (natGateways: "regional" chosen):');
    for (const mode of EGRESS_MODES) expect(run.stdout).toMatch(new RegExp(`\\| ${mode}\\s+\\| \\$\\d+\\.\\d\\d`));
    expect(run.stdout).toContain('1 regional NAT gateway of the VPC');
  });

  it('prices the regional NAT gateway it plans for each AZ it serves, as its row of the modes table does', async () => {
    await createSampleFunction('orders');
    const run = await runCli(['plan', '-f', 'orders', '--network', 'shop', '--regional-nat', '--gb-per-month', '200', '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { natGateways: { total: number }; cost: { total: { totalUsd: number } }; modes: Array<{ mode: string; monthlyUsd: number }> };
    // THEN one gateway, billed in both AZs: the network's NAT cost is the regional row's, not one zonal gateway's
    expect(plan.natGateways.total).toBe(1);
    expect(plan.cost.total.totalUsd).toBe(estimateModeCost('regional', { azCount: 2, gbPerMonth: 200 }).totalUsd);
    expect(plan.cost.total.totalUsd).toBe(plan.modes.find((mode) => mode.mode === 'regional')?.monthlyUsd);
  });

  it('plans NAT instances with --nat-instance: one per AZ, priced as instances (no per-GB charge)', async () => {
    await createSampleFunction('orders');
    const run = await runCli(['plan', '-f', 'orders', '--network', 'shop', '--nat-instance', 't4g.micro', '--gb-per-month', '500', '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { request: { network: { natGateways: string; natInstanceType: string } }; network: { changes: string[] }; natGateways: { total: number }; cost: { total: { totalUsd: number } } };
    expect([plan.request.network.natGateways, plan.request.network.natInstanceType, plan.natGateways.total]).toEqual(['instance', 't4g.micro', 2]);
    expect(plan.network.changes).toEqual(expect.arrayContaining([expect.stringMatching(/^2 NAT instances \(t4g\.micro, Amazon Linux 2023\)/)]));
    expect(plan.cost.total.totalUsd).toBe(estimateModeCost('instance', { azCount: 2, gbPerMonth: 500 }).totalUsd);
  });

  it('reuses an existing network of the same name: nothing to add, no added cost', async () => {
    // GIVEN network "shared" provisioned for one function
    await createSampleFunction('first');
    await createSampleFunction('second');
    expect(await runCommand({ command: 'provision', request: { functionName: 'first', network: 'shared', singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false }, target: { local: true, demo: false }, output: { json: true, quiet: true } }, memoryIo())).toBe(0);
    await emulator.clearCalls();
    // WHEN a second function is planned onto it
    const io = memoryIo();
    expect(await runCommand(plan('second', { network: 'shared' }), io)).toBe(0);
    // THEN the VPC and its parts are present, the NATs are not added again
    const result = JSON.parse(io.out());
    expect(result.network.vpcId).toMatch(/^vpc-/);
    expect(result.network.present).toEqual(expect.arrayContaining([expect.stringMatching(/^VPC vpc-\S+ \(10\.0\.0\.0\/16\) of network "shared": reused$/), expect.stringMatching(/^NAT gateway nat-\S+ in us-east-1b/)]));
    expect(result.network.changes.filter((change: string) => /^(public subnet|private subnet|NAT gateway|internet gateway|security group)/.test(change))).toEqual([]);
    expect(result.natGateways).toEqual({ total: 2, added: 0 });
    expect(result.cost.added.totalUsd).toBe(0);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it("audits an existing VPC (--vpc-id) with AuditExistingVpc's own plan, changing nothing", async () => {
    // GIVEN a VPC with public and private subnets, NATs and routes that someone else built
    const network = await buildEgressNetwork(ec2, { name: 'theirs' });
    await createSampleFunction('legacy');
    await emulator.clearCalls();
    // WHEN
    const io = memoryIo();
    expect(await runCommand(plan('legacy', { vpcId: network.vpcId }), io)).toBe(0);
    // THEN
    const result = JSON.parse(io.out());
    expect(result.network).toMatchObject({ mode: 'existing', vpcId: network.vpcId });
    expect(result.network.present).toEqual(expect.arrayContaining([`internet gateway ${network.internetGatewayId} attached to ${network.vpcId}`]));
    expect(result.natGateways).toEqual({ total: 2, added: 0 });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('warns before the move about an alias on a published version and an owning stack, reading only', async () => {
    // GIVEN a function of a CloudFormation stack whose alias prod runs version 1
    const fn = await createSampleFunction('stocked');
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'stocked' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'stocked', Name: 'prod', FunctionVersion: v1.Version }));
    await lambda.send(new TagResourceCommand({ Resource: fn.FunctionArn, Tags: { 'aws:cloudformation:stack-name': 'inventory', 'aws:cloudformation:logical-id': 'StockedFn' } }));
    await emulator.clearCalls();
    // WHEN it is planned onto a network that does not exist yet
    const io = memoryIo();
    expect(await runCommand({ ...plan('stocked'), output: { json: false, quiet: true } }, io)).toBe(0);
    // THEN the plan names the alias with the commands, and the stack with how its template names the network (by
    // name, through the parameters the network will publish: no id needed, so it is there before the network is)
    expect(io.out()).toContain('! alias prod (version 1) still runs a published version without this egress');
    expect(io.out()).toContain('aws lambda update-alias --function-name stocked --name prod --function-version "$VERSION"');
    expect(io.out()).toContain('! the function is resource StockedFn of stack inventory (CloudFormation or CDK)');
    expect(io.out()).toContain("useNetwork(fn, 'default');");
    expect(io.out()).toContain('name = "/lambda-egress/networks/default/private-subnet-ids"');
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails with exit 2 naming the field, as provision would, for a CIDR too small', async () => {
    await createSampleFunction('tiny');
    const io = memoryIo();
    const code = await runCommand({ ...plan('tiny'), request: { ...plan('tiny').request, cidr: '10.0.0.0/30' }, output: { json: false, quiet: false } }, io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/✖ InvalidRequest: network\.cidr: 10\.0\.0\.0\/30 is too small/);
    expect(io.err()).toContain('Nothing was changed');
  });
});
