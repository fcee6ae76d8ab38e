import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ProvisionResult } from '../../functions/report/types';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';
import { runInMemory } from '../support/run-in-memory';
import { execution, runNetworkTasks } from '../support/workflow';

/**
 * network.availabilityZones (functions/validate/preflight/chosen-zones.ts): AZs by name or AZ ID, checked against
 * DescribeAvailabilityZones before anything is created. moto's us-east-1: a (use1-az6), b (use1-az1), c (use1-az2),
 * d (use1-az4), e (use1-az3, no Graviton types), f (use1-az5), all available; the states and zone types it never
 * answers are put in its answer by the fault proxy.
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const validate = (input: unknown) => validateRequest({ input, execution: execution('azs') });

async function expectRefused(input: unknown, field: string, message: RegExp): Promise<void> {
  await emulator.clearCalls();
  await expect(validate(input)).rejects.toMatchObject({ name: 'InvalidRequest', field, message: expect.stringMatching(message) });
  expect(mutatingCalls(await emulator.calls())).toEqual([]);
}

/** Rewrites moto's DescribeAvailabilityZones answer: the zone's state, or extra items before the end of the list. */
function zonesAnswer(replacements: Array<{ pattern: string; replacement: string }>) {
  return { service: 'ec2', action: 'DescribeAvailabilityZones', times: -1, fault: { type: 'rewrite', replacements } } as const;
}
const zoneState = (name: string, state: string) => ({ pattern: `(<zoneName>${name}</zoneName><zoneId>[^<]+</zoneId><zoneType>availability-zone</zoneType>)<zoneState>available</zoneState>`, replacement: `$1<zoneState>${state}</zoneState>` });
const notOptedIn = (name: string) => ({ pattern: `(<zoneName>${name}</zoneName><zoneId>[^<]+</zoneId><zoneType>availability-zone</zoneType><zoneState>available</zoneState>)`, replacement: `$1<optInStatus>not-opted-in</optInStatus><groupName>${name}-group</groupName>` });
const localZone = {
  pattern: '</availabilityZoneInfo>',
  replacement:
    '<item><regionName>us-east-1</regionName><zoneName>us-east-1-bos-1a</zoneName><zoneId>use1-bos1-az1</zoneId><zoneType>local-zone</zoneType><zoneState>available</zoneState>' +
    '<optInStatus>opted-in</optInStatus><groupName>us-east-1-bos-1</groupName><parentZoneName>us-east-1a</parentZoneName></item></availabilityZoneInfo>',
};

describe('network.availabilityZones', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
    await createSampleFunction('orders');
  });

  it('takes the AZs named, in the order given, defines azCount, and keeps their AZ IDs', async () => {
    const state = await validate({ functionName: 'orders', network: { availabilityZones: ['us-east-1c', 'us-east-1a'] } });
    expect(state.request.network).toMatchObject({ azs: ['us-east-1c', 'us-east-1a'], azIds: ['use1-az2', 'use1-az6'] });
    expect(state.request.network.subnetPlan.map((subnet) => subnet.az)).toEqual(expect.arrayContaining(['us-east-1c', 'us-east-1a']));
    expect(new Set(state.request.network.subnetPlan.map((subnet) => subnet.az))).toEqual(new Set(['us-east-1c', 'us-east-1a']));
  });

  it('takes AZ IDs, the same physical AZ in every account, and an azCount that agrees', async () => {
    const state = await validate({ functionName: 'orders', network: { availabilityZones: ['use1-az4', 'use1-az5', 'use1-az1'], azCount: 3 } });
    expect(state.request.network).toMatchObject({ azs: ['us-east-1d', 'us-east-1f', 'us-east-1b'], azIds: ['use1-az4', 'use1-az5', 'use1-az1'] });
  });

  it('creates the subnets and NAT gateways in the chosen AZs', async () => {
    const run = await runNetworkTasks({ functionName: 'orders', network: { availabilityZones: ['us-east-1d', 'us-east-1f'] } }, 'azs-built');
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [run.network.vpc.vpcId] }] }))).Subnets ?? [];
    expect([...new Set(subnets.map((subnet) => subnet.AvailabilityZone))].sort()).toEqual(['us-east-1d', 'us-east-1f']);
    expect(run.network.natGateways.map((nat) => nat.az).sort()).toEqual(['us-east-1d', 'us-east-1f']);
  });

  describe('refusals, each with zero mutating calls', () => {
    it('fails InvalidRequest on an AZ the Region does not have, listing the ones it has with their IDs', async () => {
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1a', 'us-east-1z'] } }, 'network.availabilityZones', /us-east-1z is not an AZ name or AZ ID of us-east-1 for this account\. Choose among us-east-1's available AZs: us-east-1a \(use1-az6\), us-east-1b \(use1-az1\)/);
    });

    it('fails InvalidRequest when azCount disagrees with the list, naming both', async () => {
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1a'], azCount: 2 } }, 'network.availabilityZones', /names 1 AZ\(s\) \(us-east-1a\) and network\.azCount is 2: leave azCount out/);
    });

    it('fails InvalidRequest on one AZ named twice, by name and by ID', async () => {
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1a', 'use1-az6'] } }, 'network.availabilityZones', /names us-east-1a twice \(once by name, once by its AZ ID use1-az6\)/);
    });

    it('fails InvalidRequest on an AZ without the NAT instance type (us-east-1e, use1-az3: no Graviton)', async () => {
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1a', 'us-east-1e'], natGateways: 'instance' } }, 'network.availabilityZones', /NAT instances \(t4g\.nano\) in us-east-1e \(use1-az3\), which do not offer that type: choose AZs that do \(us-east-1a .*us-east-1f \(use1-az5\)\)/);
    });

    it('fails InvalidRequest on an AZ that is not available (fault proxy: moto answers every AZ available)', async () => {
      await emulator.inject(zonesAnswer([zoneState('us-east-1b', 'impaired')]));
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1b'] } }, 'network.availabilityZones', /us-east-1b \(use1-az1\) is in state impaired, not available: AWS may refuse new subnets and NAT gateways there\. Choose among us-east-1's available AZs: us-east-1a \(use1-az6\), us-east-1c/);
    });

    it('fails InvalidRequest on an AZ the account has not opted into, with the opt-in command (fault proxy: moto has no opt-in AZs)', async () => {
      await emulator.inject(zonesAnswer([notOptedIn('us-east-1f')]));
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1f'] } }, 'network.availabilityZones', /us-east-1f \(use1-az5\) needs opting in, and this account has not: opt in \(aws ec2 modify-availability-zone-group --group-name us-east-1f-group --opt-in-status opted-in --region us-east-1\)/);
    });

    it('fails InvalidRequest on a Local Zone (fault proxy: moto has no Local Zones)', async () => {
      await emulator.inject(zonesAnswer([localZone]));
      await expectRefused({ functionName: 'orders', network: { availabilityZones: ['us-east-1-bos-1a'] } }, 'network.availabilityZones', /us-east-1-bos-1a \(use1-bos1-az1\) is a local-zone \(group us-east-1-bos-1\), not an Availability Zone/);
    });

    it('fails InvalidRequest on availabilityZones with an existing VPC, which keeps its own AZs', async () => {
      await expectRefused({ functionName: 'orders', network: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] } }, 'network.availabilityZones', /does not apply to an existing VPC/);
    });
  });

  it('by default skips an AZ that is not available (fault proxy: us-east-1a impaired)', async () => {
    await emulator.inject(zonesAnswer([zoneState('us-east-1a', 'impaired')]));
    const state = await validate({ functionName: 'orders' });
    expect(state.request.network).toMatchObject({ azs: ['us-east-1b', 'us-east-1c'], azIds: ['use1-az1', 'use1-az2'] });
  });

  it('the provision result (--json) and networks (--json and text) report AZ names and AZ IDs', async () => {
    // GIVEN a request file choosing AZs by ID
    const requestFile = join(mkdtempSync(join(tmpdir(), 'azs-')), 'request.json');
    writeFileSync(requestFile, JSON.stringify({ functionName: 'orders', network: { name: 'zoned', availabilityZones: ['use1-az1', 'use1-az2'], natGateways: 'single', s3Endpoint: false } }));
    const target = { local: true, demo: false } as const;
    // WHEN it is provisioned (--json) THEN the result names both AZs with their IDs
    const provisioned = await runInMemory({ command: 'provision', request: { requestFile, singleNat: true, ipv6: false, s3Endpoint: false, keepVpcAccessPolicy: false }, target, output: { json: true, quiet: true } });
    expect(provisioned.code).toBe(0);
    const result = (JSON.parse(provisioned.out) as { result: ProvisionResult }).result;
    expect(result.network.availabilityZones).toEqual([{ name: 'us-east-1b', id: 'use1-az1' }, { name: 'us-east-1c', id: 'use1-az2' }]);
    // AND networks says so too, as JSON and as text
    const listed = await runInMemory({ command: 'networks', target, output: { json: true, quiet: true } } as Parameters<typeof runInMemory>[0]);
    const zoned = (JSON.parse(listed.out) as { networks: Array<{ name: string; availabilityZones: unknown }> }).networks.find((network) => network.name === 'zoned');
    expect(zoned?.availabilityZones).toEqual([{ name: 'us-east-1b', id: 'use1-az1' }, { name: 'us-east-1c', id: 'use1-az2' }]);
    const text = await runInMemory({ command: 'networks', target, output: { json: false, quiet: true } } as Parameters<typeof runInMemory>[0]);
    expect(text.out).toContain('2 AZs: us-east-1b (use1-az1), us-east-1c (use1-az2)');
  });
});
