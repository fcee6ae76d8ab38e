import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { EgressIpsDocument } from '../../cli/egress-ips';
import type { ProvisionResult } from '../../functions/report/types';
import { runInMemory } from '../support/run-in-memory';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

/**
 * IPv6 egress: through the egress-only internet gateway a function leaves from its own address, so what a
 * partner allow-lists is the /64 of each private subnet the function sits in. The result and egress-ips list
 * them as DescribeSubnets holds them.
 */
const ec2 = new EC2Client({});
const target = { local: true, demo: false } as const;

describe('IPv6 egress prefixes', () => {
  it("lists each private subnet's IPv6 prefix, per AZ, in the result and in egress-ips (--json and --plain)", async () => {
    // GIVEN a function provisioned onto a 2-AZ network with IPv6
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'dual', azCount: 2, ipv6: true } });
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;

    // THEN the result's IPv6 prefixes are those DescribeSubnets holds for the function's subnets, one per AZ
    const subnetIds = result.function.appliedVpcConfig.subnetIds;
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? [];
    const held = subnets
      .map((subnet) => ({ az: subnet.AvailabilityZone ?? '', subnetId: subnet.SubnetId ?? '', cidr: subnet.Ipv6CidrBlockAssociationSet?.find((block) => block.Ipv6CidrBlock)?.Ipv6CidrBlock ?? '' }))
      .sort((a, b) => a.az.localeCompare(b.az));
    expect(held).toHaveLength(2);
    expect(held.every((prefix) => prefix.cidr.endsWith('/64'))).toBe(true);
    expect(result.network.egress.ipv6Prefixes).toEqual(held);
    // AND the IPv4 addresses are still the NAT gateways' (IPv6 adds, it does not replace)
    expect(result.network.egressIps).toHaveLength(2);

    // WHEN egress-ips is asked for the network
    const json = JSON.parse((await runInMemory({ command: 'egress-ips', network: 'dual', plain: false, target, output: { json: true, quiet: true } })).out) as EgressIpsDocument;
    const plain = await runInMemory({ command: 'egress-ips', network: 'dual', plain: true, target, output: { json: false, quiet: true } });

    // THEN it reads the same prefixes from AWS, and the plain list has every address and prefix, one per line
    expect(json.ipv6Prefixes).toEqual(held);
    expect(plain.code).toBe(0);
    expect(plain.out.trim().split('\n').sort()).toEqual([...result.network.egressIps, ...held.map((prefix) => prefix.cidr)].sort());
  });
});
