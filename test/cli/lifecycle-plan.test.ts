import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { readNetwork } from '../../functions/shared/registry/read-network';
import type { ReleasePreview } from '../../functions/release/release-plan';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { describeEverything, registry } from '../support/lifecycle-fixture';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';
import { runInMemory } from '../support/run-in-memory';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const lambda = new LambdaClient({});
const iam = new IAMClient({});
const target = { local: true, demo: false } as const;
const output = (json: boolean) => ({ json, quiet: true }) as const;

const cli = runInMemory;

/** Everything a release or a teardown could change: EC2 (ENIs included), the function, its role, the registry. */
async function everything(functionName: string, roleName: string, network: string): Promise<unknown> {
  const { RevisionId: _r, $metadata: _m, ...config } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const policies = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies;
  return { ec2: await describeEverything(), config, policies, registry: await readNetwork(await registry(), network) };
}

/** orders on network "shop" (1 AZ, one NAT gateway), provisioned through the CLI. */
async function provisionOrders(): Promise<ProvisionResult> {
  await emulator.freshAccount();
  await createSampleFunction('orders');
  const requestFile = join(mkdtempSync(join(tmpdir(), 'plan-release-')), 'request.json');
  writeFileSync(requestFile, JSON.stringify({ functionName: 'orders', network: { name: 'shop', azCount: 1, natGateways: 'single' } }));
  const provisioned = await cli({ command: 'provision', request: { requestFile, singleNat: true, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false }, target, output: output(true) });
  expect(provisioned.code).toBe(0);
  return (JSON.parse(provisioned.out) as { result: ProvisionResult }).result;
}

describe('lambda-egress plan --release / --teardown --local', () => {
  it('plan --release --teardown-if-unused shows the restore, the whole ledger in deletion order and the saving, and changes nothing', async () => {
    // GIVEN orders provisioned onto "shop", and a describe of everything
    const result = await provisionOrders();
    const before = await everything('orders', 'orders-role', 'shop');

    // WHEN the release is planned, continuing into the teardown
    const planned = await cli({ command: 'plan-lifecycle', of: 'release', name: 'orders', teardownIfUnused: true, target, output: output(true) });

    // THEN it exits 0 with the function going back to no VPC, the role left as before, and the teardown's ledger
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.out) as ReleasePreview & { plan: string };
    expect(plan).toMatchObject({ plan: 'release', functionName: 'orders', network: 'shop' });
    expect(plan.function.changes[0]).toContain(`from subnets ${result.network.privateSubnetIds.join(', ')}`);
    expect(plan.function.changes[0]).toContain('back to no VPC');
    expect(plan.role.changes[0]).toContain('detached once they are gone');
    const deletes = plan.teardown!.deletes.map((entry) => `${entry.kind} ${entry.id}`);
    // The network's SSM parameters go first (IaC stops naming a network being deleted), then the probe function.
    const parameters = deletes.filter((entry) => entry.startsWith('ssm-parameter '));
    expect(parameters.length).toBeGreaterThan(0);
    expect(deletes.slice(0, parameters.length)).toEqual(parameters);
    expect(deletes[parameters.length]).toBe('probe-function lambda-egress-probe-shop');
    expect(deletes).toContain(`nat-gateway ${result.network.natGateways[0]!.natTargetId}`);
    expect(deletes.at(-1)).toBe(`vpc ${result.network.vpcId}`);
    const position = (kind: string) => deletes.findIndex((entry) => entry.startsWith(`${kind} `));
    expect([position('nat-gateway') < position('elastic-ip'), position('elastic-ip') < position('subnet'), position('security-group') < position('vpc')]).toEqual([true, true, true]);
    // the saving of one NAT gateway and its address (docs/usage.md "What a teardown saves": USD 32.85 + 3.65)
    expect([plan.teardown!.monthlySaving.totalUsd, plan.monthlySavingUsd]).toEqual([36.50, 36.50]);
    // AND nothing changed
    expect(await everything('orders', 'orders-role', 'shop')).toEqual(before);

    // WHEN planned without --teardown-if-unused (text), THEN the network stays and nothing is saved
    const plain = await cli({ command: 'plan-lifecycle', of: 'release', name: 'orders', teardownIfUnused: false, target, output: output(false) });
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('network "shop" stays, unused');
    expect(plain.out).toContain('Monthly saving: $0.00');

    // WHEN the teardown is planned while orders uses the network, THEN exit 1 naming it, as teardown would
    const refused = await cli({ command: 'plan-lifecycle', of: 'teardown', name: 'shop', teardownIfUnused: false, target, output: output(false) });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('NetworkInUse');
    expect(refused.err).toContain('orders');
    expect(await everything('orders', 'orders-role', 'shop')).toEqual(before);
  });

  it('plan --teardown of an unused network lists its ledger in order and the saving, and deletes nothing', async () => {
    // GIVEN orders provisioned onto "shop", then released
    const result = await provisionOrders();
    expect((await cli({ command: 'release', functionName: 'orders', teardownIfUnused: false, target, output: output(true) })).code).toBe(0);
    const before = await everything('orders', 'orders-role', 'shop');
    // WHEN the teardown is planned
    const planned = await cli({ command: 'plan-lifecycle', of: 'teardown', name: 'shop', teardownIfUnused: false, target, output: output(false) });
    // THEN exit 0, every resource of the ledger numbered, the VPC last, the saving; nothing changed
    expect(planned.code).toBe(0);
    expect(planned.out).toContain(`- nat-gateway ${result.network.natGateways[0]!.natTargetId}`);
    expect(planned.out).toMatch(new RegExp(`\\d+\\. - vpc ${result.network.vpcId}\\n\\s*! also deleted`));
    expect(planned.out).toContain('Monthly saving: $36.50');
    expect(await everything('orders', 'orders-role', 'shop')).toEqual(before);
  });

  it('fails plan --release of a function that is no member with exit 2 (as release), naming it', async () => {
    await emulator.freshAccount();
    await createSampleFunction('billing');
    const run = await runCli(['plan', '--release', '--local', '--function', 'billing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('billing is not a member of any lambda-egress network');
  });
});
