import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeNatGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ParsedCommand } from '../../cli/parsed-command';
import { LOCAL_MODE_NOTE } from '../../cli/output';
import { runCommand } from '../../cli/run';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { memoryIo } from '../support/memory-io';
import { contractErrors } from './output-contract';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});

function provision(functionName: string, extra: { network?: string; diagram?: string; json?: boolean } = {}): Extract<ParsedCommand, { command: 'provision' }> {
  return {
    command: 'provision',
    request: { functionName, ...(extra.network ? { network: extra.network } : {}), singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
    target: { local: true, demo: false },
    output: { json: extra.json === true, quiet: false, ...(extra.diagram ? { diagram: extra.diagram } : {}) },
  };
}

async function vpcsOfNetwork(name: string): Promise<string[]> {
  const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: [name] }] }));
  return (vpcs.Vpcs ?? []).map((vpc) => vpc.VpcId ?? '');
}

describe('lambda-egress provision --local (against the emulator in AWS_ENDPOINT_URL)', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('gives the function egress and prints one JSON document that the documented contract accepts (as a process)', async () => {
    // GIVEN a plain function in the emulator
    await createSampleFunction('orders');
    // WHEN the CLI provisions it in local mode with --json
    const run = await runCli(['provision', '--local', '--function', 'orders', '--network', 'shop', '--json']);
    // THEN it exits 0 and stdout is exactly one JSON document matching cli/output.schema.json
    expect([run.code, run.stderr.includes('error')]).toEqual([0, false]);
    const document = JSON.parse(run.stdout);
    expect(contractErrors(document)).toEqual([]);
    expect(document).toMatchObject({ status: 'SUCCEEDED', mode: 'local', result: { network: { mode: 'create', name: 'shop' } } });
    // AND the result is what the emulator now holds: the function in the private subnets of the new VPC
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    expect([...(fn.VpcConfig?.SubnetIds ?? [])].sort()).toEqual([...document.result.network.privateSubnetIds].sort());
    expect(await vpcsOfNetwork('shop')).toEqual([document.result.network.vpcId]);
    const nats = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [document.result.network.vpcId] }] }));
    expect(nats.NatGateways?.map((nat) => nat.NatGatewayId).sort()).toEqual(document.result.network.natGateways.map((nat: { natGatewayId: string }) => nat.natGatewayId).sort());
    // AND the diagram is in the document; progress went to stderr, not into the JSON
    expect(document.diagram).toMatch(/^flowchart LR\n/);
    expect(run.stderr).toContain('EnsureVpc');
  });

  it('prints the steps, the verdicts, the topology and the local-mode caveat, and writes --diagram', async () => {
    await createSampleFunction('billing');
    const diagram = join(mkdtempSync(join(tmpdir(), 'lambda-egress-')), 'network.mmd');
    const io = memoryIo();
    // WHEN
    const code = await runCommand(provision('billing', { diagram }), io);
    // THEN
    expect([code, io.err()]).toEqual([0, '']);
    const text = io.out();
    for (const step of ['ValidateRequest', 'EnsureVpc', 'EnsureSubnets', 'EnsureNatGateway ×2', 'AttachFunction', 'EnsureRouteTables', 'RunProbe', 'ReportResult']) {
      expect(text).toContain(`✔ ${step}`);
    }
    expect(text).toMatch(/✔ billing has internet egress through network "default" \(vpc-/);
    expect(text).toMatch(/probe:\s+PASS/);
    expect(text).toMatch(/reachability:\s+PASS\s+2 subnets/);
    expect(text).toContain('```mermaid\nflowchart LR\n');
    expect(text).toContain(LOCAL_MODE_NOTE);
    // the diagram file is the printed diagram, with the route tables the emulator holds
    const written = readFileSync(diagram, 'utf8');
    expect(text).toContain(written);
    expect(written).toMatch(/rtb_rtb_[a-z0-9_]+ -->\|"0\.0\.0\.0\/0"\| nat_nat_/);
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['default'] }] }));
    for (const subnet of subnets.Subnets ?? []) expect(written).toContain(subnet.SubnetId);
  });

  it('fails with exit 1, the error and the rollback report when a step fails for good, and leaves nothing behind', async () => {
    // GIVEN a function, and EC2 refusing every route table (not an error the workflow retries)
    await createSampleFunction('payments');
    await emulator.inject({ service: 'ec2', action: 'CreateRouteTable', times: -1, fault: { type: 'error', code: 'InvalidParameterValue', status: 400, message: 'injected: no route tables today' } });
    const io = memoryIo();
    // WHEN
    const code = await runCommand(provision('payments', { network: 'doomed' }), io);
    // THEN it exits 1 and says what failed and what was rolled back
    expect(code).toBe(1);
    const text = io.err();
    expect(text).toContain('✖ InvalidParameterValue: injected: no route tables today');
    expect(text).toMatch(/rolled back \(\d+ steps\):/);
    expect(text).toMatch(/deleted\s+nat-gateway nat-/);
    expect(text).toMatch(/deleted\s+vpc vpc-/);
    // the function moves only after the probe passed, so it was never touched: nothing to restore
    expect(text).toMatch(/unchanged\s+function-vpc-config /);
    expect(text).toMatch(/deleted\s+probe-function lambda-egress-probe-doomed/);
    expect(text).toContain('Everything this execution created is gone');
    // AND nothing of the network is left, and the function is still outside any VPC, never updated
    expect(await vpcsOfNetwork('doomed')).toEqual([]);
    expect((await emulator.calls()).filter((call) => call.action === 'UpdateFunctionConfiguration')).toEqual([]);
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'payments' }));
    expect(fn.VpcConfig?.SubnetIds ?? []).toEqual([]);
  });

  it('fails with exit 2 naming the field for a request the workflow rejects, before creating anything (as a process)', async () => {
    await createSampleFunction('catalog');
    await emulator.clearCalls();
    const run = await runCli(['provision', '--local', '-f', 'catalog', '--cidr', '10.0.0.0/30', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/✖ InvalidRequest: network\.cidr/);
    expect(run.stderr).toContain('rejected before anything was created');
    expect(await vpcsOfNetwork('default')).toEqual([]);
    // nothing was created in EC2 or changed in Lambda (only what the stack would provide: the probe's role in IAM,
    // the registry table)
    const calls = (await emulator.calls()).filter((call) => call.service !== 'iam' && !['CreateTable', 'UpdateTimeToLive'].includes(call.action));
    expect(mutatingCalls(calls)).toEqual([]);
  });
});
