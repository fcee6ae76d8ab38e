import { DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

// Three CLI processes, each loading tsx and the SDK, then waiting for each other's lock: give them room.
jest.setTimeout(2 * PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const FUNCTIONS = ['orders', 'billing', 'search'];
const JOINERS = ['join-1', 'join-2', 'join-3', 'join-4', 'join-5'];

describe('several provisions of one network at once, as separate CLI processes against one emulator', () => {
  it('all succeed and share one VPC with one NAT gateway per AZ; `networks --local --json` lists the network, its VPC, its functions and its cost', async () => {
    // GIVEN three plain functions in one emulator account (AWS_ENDPOINT_URL is this file's emulator)
    await emulator.freshAccount();
    for (const name of FUNCTIONS) await createSampleFunction(name);

    // WHEN three `provision --local` processes start together, each for its own function, onto network "shared"
    const runs = await Promise.all(FUNCTIONS.map((name) => runCli(['provision', '--local', '--function', name, '--network', 'shared', '--json'])));

    // THEN every process exits 0
    expect(runs.map((run) => [run.code, run.code === 0 ? '' : run.stderr.slice(-2000)])).toEqual(FUNCTIONS.map(() => [0, '']));
    const documents = runs.map((run) => JSON.parse(run.stdout) as { status: string; result: { network: { vpcId: string; privateSubnetIds: string[] } } });
    // AND the emulator holds one VPC for the network, with 2 live NAT gateways (one per AZ)
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }));
    expect(vpcs.Vpcs?.map((vpc) => vpc.VpcId)).toEqual([documents[0]?.result.network.vpcId]);
    const vpcId = vpcs.Vpcs?.[0]?.VpcId ?? '';
    const nats = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    const live = (nats.NatGateways ?? []).filter((nat) => nat.State !== 'deleted' && nat.State !== 'deleting' && nat.State !== 'failed');
    expect(live).toHaveLength(2);
    expect(new Set(live.map((nat) => nat.SubnetId)).size).toBe(2);
    // AND each function sits on the network's private subnets, as each process reported
    for (const [index, name] of FUNCTIONS.entries()) {
      const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      expect([name, documents[index]?.result.network.vpcId, [...(config.VpcConfig?.SubnetIds ?? [])].sort()]).toEqual([
        name,
        vpcId,
        [...(documents[0]?.result.network.privateSubnetIds ?? [])].sort(),
      ]);
    }

    // WHEN the inventory is asked for, as a process
    const inventoryRun = await runCli(['networks', '--local', '--json']);
    // THEN it names the network, its VPC, its three functions and a monthly cost, unlocked and ready
    expect([inventoryRun.code, inventoryRun.stderr.includes('rror')]).toEqual([0, false]);
    const inventory = JSON.parse(inventoryRun.stdout) as {
      networks: Array<{ name: string; state: string; vpcId: string; functions: Array<{ functionName: string }>; natGateways: { live: number }; monthlyCost: { totalUsd: number }; lock?: unknown; drifted: boolean }>;
    };
    expect(inventory.networks).toHaveLength(1);
    const [network] = inventory.networks;
    expect(network).toMatchObject({ name: 'shared', state: 'ready', vpcId, natGateways: { live: 2 }, drifted: false });
    expect(network?.lock).toBeUndefined();
    expect(network?.functions.map((member) => member.functionName).sort()).toEqual([...FUNCTIONS].sort());
    expect(network?.monthlyCost.totalUsd).toBeGreaterThan(0);
  });

  it('5 joins of the ready network at once, as CLI processes: all exit 0, none waits for a lock, each takes the network from the registry record', async () => {
    // GIVEN network "shared" ready (built by the provisions above; when this test runs alone, one process builds it)
    const before = await runCli(['networks', '--local', '--json']);
    const ready = (JSON.parse(before.stdout) as { networks: Array<{ name: string; state: string }> }).networks.some((network) => network.name === 'shared' && network.state === 'ready');
    if (!ready) {
      await createSampleFunction(FUNCTIONS[0] ?? 'orders');
      expect((await runCli(['provision', '--local', '--function', FUNCTIONS[0] ?? 'orders', '--network', 'shared', '--json'])).code).toBe(0);
    }
    // AND five plain functions
    for (const name of JOINERS) await createSampleFunction(name);

    // WHEN five `provision --local` processes start together, each for its own function, onto network "shared"
    const runs = await Promise.all(JOINERS.map((name) => runCli(['provision', '--local', '--function', name, '--network', 'shared', '--json'])));

    // THEN every process exits 0
    expect(runs.map((run) => [run.code, run.code === 0 ? '' : run.stderr.slice(-2000)])).toEqual(JOINERS.map(() => [0, '']));
    // AND none waited for a lock: each took its claim at the first attempt (the steps each process printed on
    // stderr: one AcquireNetworkLock, no WaitForNetworkLock), and checked the recorded network instead of finding it
    for (const [index, run] of runs.entries()) {
      const steps = run.stderr.split('\n').filter((line) => /AcquireNetworkLock|WaitForNetworkLock|CheckJoinNetwork|EnsureVpc/.test(line));
      expect([JOINERS[index], steps.filter((line) => line.includes('WaitForNetworkLock'))]).toEqual([JOINERS[index], []]);
      expect([JOINERS[index], steps.some((line) => /AcquireNetworkLock\s+×/.test(line))]).toEqual([JOINERS[index], false]);
      expect([JOINERS[index], steps.some((line) => line.includes('CheckJoinNetwork')), steps.some((line) => line.includes('EnsureVpc'))]).toEqual([JOINERS[index], true, false]);
    }
    // AND each function sits on the network's private subnets, as its process reported
    const documents = runs.map((run) => JSON.parse(run.stdout) as { result: { network: { vpcId: string; privateSubnetIds: string[] } } });
    const [vpc] = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }))).Vpcs ?? [];
    for (const [index, name] of JOINERS.entries()) {
      const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      expect([name, documents[index]?.result.network.vpcId, [...(config.VpcConfig?.SubnetIds ?? [])].sort()]).toEqual([name, vpc?.VpcId, [...(documents[index]?.result.network.privateSubnetIds ?? [])].sort()]);
    }
    // AND the network is left ready and unlocked, with the five among its members
    const after = JSON.parse((await runCli(['networks', '--local', '--json'])).stdout) as { networks: Array<{ name: string; state: string; lock?: unknown; functions: Array<{ functionName: string }> }> };
    const shared = after.networks.find((network) => network.name === 'shared');
    expect([shared?.state, shared?.lock]).toEqual(['ready', undefined]);
    expect(shared?.functions.map((member) => member.functionName)).toEqual(expect.arrayContaining(JOINERS));
  });
});
