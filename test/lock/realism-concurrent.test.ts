import { DescribeNatGatewaysCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { createSampleFunction } from '../../local/sample-function';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { behavioursMet, realismAround } from '../support/realism-suite';

const ec2 = new EC2Client({});

describe('the concurrent case as AWS behaves (realism profile)', () => {
  it.each([5, 2026])('two functions provisioned at once onto one new network both succeed, sharing one VPC and one NAT gateway per AZ (seed %d)', async (seed) => {
    // GIVEN two plain functions in one account
    await freshAccountWithFunction('orders');
    await createSampleFunction('billing');
    await queueProbeAnswers(passingProbe(), passingProbe(), passingProbe(), passingProbe());

    // WHEN both are provisioned at once onto network "shared", as AWS behaves
    const around = realismAround(seed);
    await around.before();
    const runs = await Promise.all(['orders', 'billing'].map((functionName) => provision({ functionName, network: { name: 'shared' } }, { lockWaitMs: 50 })));
    await around.after();

    // THEN both succeed, after meeting the profile's behaviours
    expect(runs.map((run) => [run.status, run.error, run.cause?.slice(0, 400)])).toEqual([
      ['SUCCEEDED', undefined, undefined],
      ['SUCCEEDED', undefined, undefined],
    ]);
    expect(await behavioursMet()).toEqual(expect.arrayContaining(['transient-5xx', 'not-found-after-create']));
    // AND one VPC, with exactly two live NAT gateways (nothing duplicated by a retried create)
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }))).Vpcs ?? [];
    expect(vpcs).toHaveLength(1);
    const nats = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcs[0]!.VpcId!] }] }));
    expect((nats.NatGateways ?? []).filter((nat) => !['deleted', 'deleting', 'failed'].includes(nat.State ?? ''))).toHaveLength(2);
  }, 5 * 60_000);
});
