import { DescribeNatGatewaysCommand, DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ParsedCommand } from '../../cli/parsed-command';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import type { ProvisionResult } from '../../functions/report/types';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { runInMemory } from '../support/run-in-memory';
import { PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';
import { freshAccountWithFunction } from '../support/harness';
import { execution } from '../support/workflow';

/**
 * A network's settings are part of its identity: a join that leaves them unset gets the network's recorded
 * values, not the request defaults (a second function joining a `single` network used to add a NAT gateway),
 * and a join stating other values is refused before anything is created.
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
type RequestFlags = Extract<ParsedCommand, { command: 'plan' }>['request'];
const flags = (functionName: string, extra: Partial<RequestFlags> = {}): RequestFlags => ({ functionName, network: 'shop', singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false, ...extra });
const target = { local: true, demo: false } as const;
const cli = (command: 'plan' | 'provision', request: RequestFlags, json: boolean) =>
  runInMemory(command === 'plan' ? { command, request, target, output: { json, quiet: true }, gbPerMonth: 0 } : { command, request, target, output: { json, quiet: true } });
const validate = (input: unknown) => validateRequest({ input, execution: execution('settings') });

/** Network "shop" of orders-api: one NAT gateway (--single-nat), 1 AZ, no S3 endpoint, built through the CLI; billing is a second function. */
async function singleNatNetwork(): Promise<ProvisionResult> {
  await freshAccountWithFunction('orders-api');
  await createSampleFunction('billing');
  const built = await cli('provision', flags('orders-api', { singleNat: true, azs: 1, s3Endpoint: false }), true);
  expect(built.code).toBe(0);
  return (JSON.parse(built.out) as { result: ProvisionResult }).result;
}

describe("a join inherits the network's recorded settings", () => {
  it('joins a single-NAT network without repeating the flags: NAT mode, AZs and S3 endpoint come from the record, and no NAT gateway is added', async () => {
    // GIVEN network "shop" with one NAT gateway, 1 AZ and no S3 endpoint
    const shop = await singleNatNetwork();

    // WHEN billing's request names only the network
    const state = await validate({ functionName: 'billing', network: { name: 'shop' } });
    // THEN it takes the network's settings, not the request defaults (per-az, 2 AZs, an S3 endpoint), and says so
    expect(state.request.network).toMatchObject({ natGateways: 'single', azs: shop.network.natGateways.map((nat) => nat.az), s3Endpoint: false, ipv6: false, alarms: false });
    expect(state.request.inheritedSettings).toEqual({ natGateways: 'single', ipv6: false, s3Endpoint: false, alarms: false, deleteWhenUnused: false, azCount: 1 });

    // AND plan shows the inherited settings and adds no NAT gateway
    const planned = await cli('plan', flags('billing'), false);
    expect(planned.code).toBe(0);
    expect(planned.out).toContain('= settings of network "shop" (recorded; not stated by this request): natGateways "single", ipv6 false, s3Endpoint false, alarms false, deleteWhenUnused false, azCount 1');
    expect(planned.out).toContain("Monthly cost of the network's 1 NAT gateway (0 added by this request)");

    // WHEN billing joins THEN the network still has its one NAT gateway and no S3 endpoint
    const joined = await cli('provision', flags('billing'), true);
    expect(joined.code).toBe(0);
    const vpcId = shop.network.vpcId;
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ?? [];
    expect(nats.filter((nat) => nat.State !== 'deleted').map((nat) => nat.NatGatewayId)).toEqual(shop.network.natGateways.map((nat) => nat.natTargetId));
    expect((await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).VpcEndpoints ?? []).toEqual([]);
    expect((JSON.parse(joined.out) as { result: ProvisionResult }).result.network.privateSubnetIds).toEqual(shop.network.privateSubnetIds);
  });

  it('fails InvalidRequest "settings mismatch" naming each differing field with both values and the fix, with zero mutating calls; plan shows the same', async () => {
    // GIVEN network "shop" with one NAT gateway, 1 AZ and no S3 endpoint
    await singleNatNetwork();
    await emulator.clearCalls();

    // WHEN billing's request states per-az NAT gateways and an S3 endpoint
    const validation = validate({ functionName: 'billing', network: { name: 'shop', natGateways: 'per-az', s3Endpoint: true } });
    // THEN it is refused naming both fields, each with the requested and the recorded value, and the fix
    await expect(validation).rejects.toMatchObject({
      name: 'InvalidRequest',
      field: 'network.natGateways, network.s3Endpoint',
      message: expect.stringMatching(
        /network "shop" \(vpc-\w+\) exists with other settings than this request states: network\.natGateways "per-az" where the network has "single" .*; network\.s3Endpoint true where the network has false .*leave these fields out to join it as it is, or give another network name \(--network NAME; network\.name\)/,
      ),
    });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);

    // AND plan with a differing flag (--ipv6) gives the same answer: exit 2, nothing changed
    const planned = await cli('plan', flags('billing', { ipv6: true }), true);
    expect(planned.code).toBe(2);
    const error = (JSON.parse(planned.out) as { error: { name: string; message: string; details: unknown } }).error;
    expect(error).toMatchObject({ name: 'InvalidRequest', message: expect.stringContaining('network.ipv6 true where the network has false (--ipv6)') });
    expect(error.details).toMatchObject({ differences: { ipv6: { requested: true, recorded: false } } });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);

    // AND repeating the recorded values is a plain join
    await expect(validate({ functionName: 'billing', network: { name: 'shop', natGateways: 'single', s3Endpoint: false, azCount: 1 } })).resolves.toMatchObject({ request: { network: { natGateways: 'single' } } });
  });
});
