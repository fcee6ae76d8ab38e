import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { natAlarmNetworkPrefix } from '../../functions/shared/nat-alarms';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { describeEverything, lambdaEni, networkInterfaceIds, taggedForNetwork } from '../support/lifecycle-fixture';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';
import { runInMemory } from '../support/run-in-memory';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const lambda = new LambdaClient({});
const iam = new IAMClient({});
const cloudwatch = new CloudWatchClient({});

const rolePolicies = async (roleName: string) => ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((policy) => policy.PolicyArn).sort();
const natAlarms = async (network: string) => ((await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: natAlarmNetworkPrefix(network) }))).MetricAlarms ?? []).map((alarm) => alarm.AlarmName);

const target = { local: true, demo: false } as const;
const output = (json = false) => ({ json, quiet: false }) as const;

/** The command as cli/args.ts parses it (the last step runs the real process, flags and all). */
const cli = runInMemory;

/**
 * The configuration but what every update changes; "no VPC" as one value: a function never in a VPC has no
 * VpcConfig, one taken out of its VPC (the only way: an empty VpcConfig) has empty lists.
 */
function settings(config: FunctionConfiguration): unknown {
  const { RevisionId: _r, LastModified: _l, LastUpdateStatus: _s, $metadata: _m, VpcConfig, ...rest } = config as FunctionConfiguration & { $metadata?: unknown };
  const inVpc = (VpcConfig?.SubnetIds?.length ?? 0) > 0;
  return { ...rest, VpcConfig: inVpc ? VpcConfig : 'none' };
}

describe('lambda-egress release / teardown --local (against the emulator in AWS_ENDPOINT_URL)', () => {
  it('provision, then release, then teardown --network: the function is back to its first configuration and nothing tagged for the network remains', async () => {
    // GIVEN a plain function, provisioned onto network "shop" (with its NAT alarms) through the CLI
    await emulator.freshAccount();
    await createSampleFunction('orders');
    const first = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' }));
    const policiesBefore = await rolePolicies('orders-role');
    const requestFile = join(mkdtempSync(join(tmpdir(), 'lifecycle-')), 'request.json');
    writeFileSync(requestFile, JSON.stringify({ functionName: 'orders', network: { name: 'shop', azCount: 1, natGateways: 'single', alarms: true } }));
    const provisioned = await cli({ command: 'provision', request: { requestFile, singleNat: true, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false }, target, output: output(true) });
    expect([provisioned.code, provisioned.err.includes('error:')]).toEqual([0, false]);
    const result = (JSON.parse(provisioned.out) as { result: ProvisionResult }).result;
    expect(await natAlarms('shop')).toHaveLength(2);
    // and a Lambda ENI of the probe left detached in the network's subnet
    const eni = await lambdaEni(result.network.privateSubnetIds[0]!, result.network.securityGroupId!, 'AWS Lambda VPC ENI-lambda-egress-probe-shop-0');

    // WHEN the network is torn down while the function uses it
    const everything = await describeEverything();
    const refused = await cli({ command: 'teardown', network: 'shop', target, output: output() });
    // THEN it exits 1 naming the function, and deletes nothing
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('NetworkInUse');
    expect(refused.err).toContain('orders');
    expect(await describeEverything()).toEqual(everything);

    // WHEN the function is released (JSON), then the network torn down
    const released = await cli({ command: 'release', functionName: 'orders', teardownIfUnused: false, target, output: output(true) });
    expect(released.code).toBe(0);
    expect(JSON.parse(released.out)).toMatchObject({ command: 'release', status: 'SUCCEEDED', mode: 'local' });
    expect(settings(await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders' })))).toEqual(settings(first));
    expect(await rolePolicies('orders-role')).toEqual(policiesBefore);
    const tornDown = await runCli(['teardown', '--local', '--network', 'shop']);

    // THEN it exits 0 with live progress, and nothing tagged for the network remains (VPC, subnets, NAT, EIP, IGW, SG, probe, ENI, NAT alarms)
    expect([tornDown.code, tornDown.stderr]).toEqual([0, expect.not.stringContaining('error')]);
    expect(tornDown.stdout).toContain('TeardownNetwork');
    expect(tornDown.stdout).toMatch(/Network "shop" torn down: \d+ resources deleted \(.*\d nat-gateways?, /);
    expect(tornDown.stdout).toMatch(/Monthly saving: \$\d+\.\d\d/);
    expect(await taggedForNetwork('shop')).toEqual([]);
    expect(await networkInterfaceIds()).not.toContain(eni);
    expect(await natAlarms('shop')).toEqual([]);
  });

  it('answers a teardown run twice with exit 0: the network is already gone, nothing deleted', async () => {
    // GIVEN a network provisioned, released and torn down
    await emulator.freshAccount();
    await createSampleFunction('orders');
    const provision = await cli({ command: 'provision', request: { functionName: 'orders', network: 'shop', singleNat: true, ipv6: false, s3Endpoint: false, keepVpcAccessPolicy: false }, target, output: output() });
    expect(provision.code).toBe(0);
    expect((await cli({ command: 'release', functionName: 'orders', teardownIfUnused: true, target, output: output() })).code).toBe(0);

    // WHEN the teardown runs again, as text and as JSON
    const again = await cli({ command: 'teardown', network: 'shop', target, output: output() });
    const againJson = await cli({ command: 'teardown', network: 'shop', target, output: output(true) });

    // THEN both exit 0 and say the network is already gone
    expect([again.code, again.out]).toEqual([0, expect.stringContaining('Network "shop" is already gone: nothing to delete.')]);
    expect(againJson.code).toBe(0);
    expect(JSON.parse(againJson.out)).toMatchObject({ command: 'teardown', status: 'SUCCEEDED', summary: { network: 'shop', alreadyGone: true, deleted: [] } });
  });

  it('fails release of a function that is no member with exit 2, naming it', async () => {
    await emulator.freshAccount();
    await createSampleFunction('billing');
    const run = await cli({ command: 'release', functionName: 'billing', teardownIfUnused: false, target, output: output() });
    expect(run.code).toBe(2);
    expect(run.err).toContain('billing is not a member of any lambda-egress network');
  });
});
