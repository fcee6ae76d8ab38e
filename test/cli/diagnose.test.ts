import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { runCommand } from '../../cli/run';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, type EgressNetwork } from '../support/egress-network';
import { memoryIo } from '../support/memory-io';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const target = { local: false, demo: false };

async function functionIn(name: string, subnetIds: string[], network: EgressNetwork): Promise<void> {
  await createSampleFunction(name);
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, VpcConfig: { SubnetIds: subnetIds, SecurityGroupIds: [network.securityGroupId] } }));
}

describe('lambda-egress diagnose', () => {
  let network: EgressNetwork;
  beforeAll(async () => {
    await emulator.freshAccount();
    // GIVEN an egress network: public subnets -> IGW, private subnets -> the NAT of their AZ
    network = await buildEgressNetwork(ec2, { name: 'diag' });
  });

  it('fails with exit 1 for a function in public subnets, naming the hop and the fix (as a process)', async () => {
    await functionIn('in-public', network.publicSubnetIds, network);
    const run = await runCli(['diagnose', '--function', 'in-public']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✖ BROKEN at default-route of ${network.publicSubnetIds[0]}: ${network.publicSubnetIds[0]} is public`);
    expect(run.stdout).toMatch(/fix: attach the function to the private subnets/);
  });

  it('passes with exit 0 for a function in the private subnets, showing each hop of each subnet', async () => {
    await functionIn('in-private', network.privateSubnetIds, network);
    const io = memoryIo();
    const code = await runCommand({ command: 'diagnose', functionName: 'in-private', port: 443, target, output: { json: false, quiet: false } }, io);
    expect([code, io.err()]).toEqual([0, '']);
    const text = io.out();
    for (const subnetId of network.privateSubnetIds) expect(text).toContain(subnetId);
    expect(text).toMatch(/✔ nat-gateway\s+/);
    expect(text).toContain('✔ PASS: every subnet of in-private has a path to the internet on port 443');
  });

  it('flags a function that is Inactive and prints the fix (fault proxy: Lambda answers Inactive, as after weeks idle)', async () => {
    await functionIn('idle-for-weeks', network.privateSubnetIds, network);
    await emulator.inject({ service: 'lambda', action: 'GetFunctionConfiguration', times: -1, fault: { type: 'rewrite', replacements: [{ pattern: '"State": ?"Active"', replacement: '"State": "Inactive"' }] } });
    const io = memoryIo();
    const code = await runCommand({ command: 'diagnose', functionName: 'idle-for-weeks', port: 443, target, output: { json: false, quiet: false } }, io);
    await emulator.clearFaults();
    expect(code).toBe(0);
    expect(io.out()).toContain('! function idle-for-weeks is Inactive');
    expect(io.out()).toContain('fix: before its next invoke, give the role the ENI permissions (aws iam attach-role-policy --role-name idle-for-weeks-role');
  });

  it('prints the verdict alone with --quiet', async () => {
    // GIVEN a function in the private subnets; WHEN diagnosed with --quiet
    await functionIn('quiet-private', network.privateSubnetIds, network);
    const io = memoryIo();
    const code = await runCommand({ command: 'diagnose', functionName: 'quiet-private', port: 443, target, output: { json: false, quiet: true } }, io);
    // THEN one line: the verdict, no hop of any subnet
    expect(code).toBe(0);
    expect(io.out()).toBe('✔ PASS: every subnet of quiet-private has a path to the internet on port 443\n');
  });

  it('prints the verdict as JSON with --json', async () => {
    const io = memoryIo();
    const code = await runCommand({ command: 'diagnose', functionName: 'in-public', port: 443, target, output: { json: true, quiet: false } }, io);
    expect(code).toBe(1);
    const diagnosis = JSON.parse(io.out());
    expect(diagnosis).toMatchObject({ functionName: 'in-public', vpcConfig: { subnetIds: network.publicSubnetIds }, verdict: { verdict: 'FAIL', hop: 'default-route' } });
  });

  it('says a function outside any VPC needs no diagnosis, exit 0', async () => {
    await createSampleFunction('no-vpc');
    const io = memoryIo();
    expect(await runCommand({ command: 'diagnose', functionName: 'no-vpc', port: 443, target, output: { json: false, quiet: false } }, io)).toBe(0);
    expect(io.out()).toContain('✔ no-vpc is not attached to a VPC');
  });

  it('fails with exit 2 for a function that does not exist, or no --function', async () => {
    const io = memoryIo();
    expect(await runCommand({ command: 'diagnose', functionName: 'nope', port: 443, target, output: { json: false, quiet: false } }, io)).toBe(2);
    expect(io.err()).toContain('--function nope: no such function in this account and region.');
    const none = memoryIo();
    expect(await runCommand({ command: 'diagnose', port: 443, target, output: { json: false, quiet: false } }, none)).toBe(2);
    expect(none.err()).toContain('--function NAME');
  });
});
