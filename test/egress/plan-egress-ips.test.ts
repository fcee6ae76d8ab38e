import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllocateAddressCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ParsedCommand } from '../../cli/parsed-command';
import type { ProvisionPlan } from '../../cli/plan';
import { MONTHLY_USD_PER_PUBLIC_IPV4 } from '../../functions/shared/cost';
import { runCommand } from '../../cli/run';
import { TAG_KEPT_AZ, TAG_KEPT_FOR, TAG_KEPT_SET } from '../../functions/shared/kept-egress-ips';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { memoryIo } from '../support/memory-io';
import { PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const flags = { singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false } as const;

async function plan(request: Extract<ParsedCommand, { command: 'plan' }>['request'], json = true): Promise<{ code: number; out: string }> {
  const io = memoryIo();
  const code = await runCommand({ command: 'plan', request, target: { local: false, demo: false }, output: { json, quiet: true }, gbPerMonth: 100 }, io);
  return { code, out: io.out() };
}

describe('plan: the egress IPs a network would leave from, and their cost', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('a rebuild of a network whose teardown kept its addresses: each AZ takes its kept one again, none is new', async () => {
    // GIVEN a function and two addresses a teardown of network "fresh" kept (us-east-1a and us-east-1b)
    await createSampleFunction('orders');
    const kept: Array<{ allocationId: string; publicIp: string }> = [];
    for (const az of ['us-east-1a', 'us-east-1b']) {
      const tags = [
        { Key: 'lambda-egress:network', Value: 'fresh' },
        { Key: 'lambda-egress:managed', Value: 'true' },
        { Key: 'lambda-egress:role', Value: 'nat-eip' },
        { Key: TAG_KEPT_FOR, Value: 'fresh' },
        { Key: TAG_KEPT_AZ, Value: az },
        { Key: TAG_KEPT_SET, Value: 'us-east-1a us-east-1b' },
      ];
      const allocated = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: tags }] }));
      kept.push({ allocationId: allocated.AllocationId!, publicIp: allocated.PublicIp! });
    }
    await emulator.clearCalls();

    // WHEN the 2-AZ network is planned again
    const run = await plan({ functionName: 'orders', network: 'fresh', azs: 2, ...flags });
    const text = await plan({ functionName: 'orders', network: 'fresh', azs: 2, ...flags }, false);

    // THEN the kept addresses are the ones it would leave from, in the AZ order, and nothing was changed
    const planned = JSON.parse(run.out) as ProvisionPlan;
    expect(planned.egressIps.added).toEqual(kept.map((address) => ({ source: 'kept', ...address })));
    for (const address of kept) expect(text.out).toContain(`+ ${address.publicIp} (kept by the network's teardown: ${address.allocationId})`);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('a new network: one new Elastic IP per NAT gateway, allocated at run time, at $3.65 a month each', async () => {
    // GIVEN a function and no network
    await createSampleFunction('orders');
    await emulator.clearCalls();

    // WHEN a 2-AZ per-az network is planned
    const run = await plan({ functionName: 'orders', network: 'fresh', azs: 2, ...flags });

    // THEN two new addresses are announced with their monthly cost, and nothing was changed
    const planned = JSON.parse(run.out) as ProvisionPlan;
    expect(planned.egressIps).toEqual({ existing: [], added: [{ source: 'new' }, { source: 'new' }], monthlyUsdPerAddress: 3.65, monthlyUsd: 7.3 });
    expect(MONTHLY_USD_PER_PUBLIC_IPV4).toBe(3.65);
    const text = await plan({ functionName: 'orders', network: 'fresh', azs: 2, ...flags }, false);
    expect(text.out).toContain('+ new Elastic IP, allocated at run time');
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('an existing network: the addresses its NAT gateways leave from now, none added', async () => {
    // GIVEN network "shared" provisioned for one function
    await createSampleFunction('first');
    await createSampleFunction('second');
    expect(await runCommand({ command: 'provision', request: { functionName: 'first', network: 'shared', ...flags }, target: { local: true, demo: false }, output: { json: true, quiet: true } }, memoryIo())).toBe(0);
    await emulator.clearCalls();

    // WHEN a second function is planned onto it
    const planned = JSON.parse((await plan({ functionName: 'second', network: 'shared', ...flags })).out) as ProvisionPlan;

    // THEN the existing addresses are those DescribeNatGateways holds, and no address is added
    const held = ((await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [planned.network.vpcId ?? ''] }] }))).NatGateways ?? []).flatMap((nat) => (nat.NatGatewayAddresses ?? []).map((address) => address.PublicIp));
    expect(planned.egressIps.existing.map((address) => address.publicIp).sort()).toEqual([...held].sort());
    expect(planned.egressIps.added).toEqual([]);
    expect(planned.egressIps.monthlyUsd).toBe(2 * 3.65);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('your own addresses (network.eipAllocationIds): named with their public IPs', async () => {
    // GIVEN a function and an Elastic IP of the user's
    await createSampleFunction('orders');
    const mine = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const requestFile = join(mkdtempSync(join(tmpdir(), 'plan-egress-')), 'request.json');
    writeFileSync(requestFile, JSON.stringify({ functionName: 'orders', network: { name: 'byo', azCount: 1, natGateways: 'single', eipAllocationIds: [mine.AllocationId] } }));

    // WHEN the request is planned
    const planned = JSON.parse((await plan({ requestFile, ...flags, singleNat: true })).out) as ProvisionPlan;

    // THEN the address to be used is the user's, with its public IP
    expect(planned.egressIps.added).toEqual([{ source: 'yours', allocationId: mine.AllocationId, publicIp: mine.PublicIp }]);
  });
});
