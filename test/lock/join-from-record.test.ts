import { DeleteRouteCommand, DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';

/**
 * A join of a ready network takes the network from the registry record (docs/joins.md "Latency"): the real
 * provision state machine, the real handlers, moto behind the fault proxy and its call log.
 */
jest.setTimeout(5 * 60_000);
const ec2 = new EC2Client({});
const NETWORK_TASKS = ['AuditExistingVpc', 'EnsureVpc', 'EnsureSubnets', 'EnsureInternetGateway', 'EnsureSecurityGroup', 'EnsureProbeFunction', 'EnsureRouteTables', 'EnsureS3Endpoint'];
/** What ValidateRequest's preflight reads only for what a build creates (Elastic IPs, Block Public Access, quotas). */
const CREATE_PREFLIGHT_READS = ['DescribeAddresses', 'DescribeAccountAttributes', 'DescribeVpcBlockPublicAccessOptions'];

type Output = { network: { vpcId: string; egressIps: string[]; natGateways: Array<{ natTargetId: string }> }; probe: { passed: boolean; reachability: { verdict: string } } };

async function readyNetwork(): Promise<Output> {
  await freshAccountWithFunction('orders');
  // One answer: the build's probe (a join queues its own, so no answer is left over for it)
  await queueProbeAnswers(passingProbe());
  const build = await provision({ functionName: 'orders', network: { name: 'shared' } });
  expect([build.status, build.error]).toEqual(['SUCCEEDED', undefined]);
  await createSampleFunction('billing');
  return build.output as Output;
}

async function privateDefaultRoutes(vpcId: string): Promise<Array<{ routeTableId: string; target?: string }>> {
  const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: `tag:${TAG_NETWORK}`, Values: ['shared'] }] }))).RouteTables ?? [];
  return tables
    .filter((table) => table.Routes?.some((route) => route.NatGatewayId) || (table.Tags ?? []).some((tag) => /private/.test(tag.Value ?? '')))
    .map((table) => ({ routeTableId: table.RouteTableId ?? '', target: table.Routes?.find((route) => route.DestinationCidrBlock === '0.0.0.0/0')?.NatGatewayId }));
}

describe('a join of a ready network, from the registry record', () => {
  it('runs no network task and no create-only preflight read, writes nothing to EC2 or SSM, and reports the network and its egress IPs as the build did', async () => {
    // GIVEN network "shared" built for orders, and billing, a plain function
    const built = await readyNetwork();
    await queueProbeAnswers(passingProbe());
    await emulator.clearCalls();

    // WHEN billing joins it
    const join = await provision({ functionName: 'billing', network: { name: 'shared' } });

    // THEN it succeeds through the record: the drift check ran, no network task did
    expect([join.status, join.error, join.cause?.slice(0, 300)]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect([timesEntered(join, 'NetworkFromRecord'), timesEntered(join, 'CheckJoinNetwork')]).toEqual([1, 1]);
    expect(NETWORK_TASKS.filter((task) => timesEntered(join, task) > 0)).toEqual([]);
    // AND ValidateRequest read none of what only a build needs, and nothing was written to EC2 or SSM
    const calls = await emulator.calls();
    expect(calls.filter((call) => CREATE_PREFLIGHT_READS.includes(call.action)).map((call) => call.action)).toEqual([]);
    expect(calls.filter((call) => call.service === 'ssm').map((call) => call.action)).toEqual([]);
    expect(mutatingCalls(calls.filter((call) => call.service === 'ec2'))).toEqual([]);
    // AND the result names the build's VPC, NAT gateways and egress IPs, and the drift check's verdict of the path
    const output = join.output as Output;
    expect([output.network.vpcId, output.network.natGateways.map((nat) => nat.natTargetId).sort(), output.network.egressIps]).toEqual([
      built.network.vpcId,
      built.network.natGateways.map((nat) => nat.natTargetId).sort(),
      built.network.egressIps,
    ]);
    expect([output.probe.passed, output.probe.reachability.verdict]).toEqual([true, 'PASS']);
  });

  it('repairs a private default route deleted by hand: the join changes nothing under its claim, rolls back, repairs it under the exclusive lock, then joins', async () => {
    // GIVEN network "shared" whose first private route table lost its default route (drift)
    const built = await readyNetwork();
    const [drifted] = (await privateDefaultRoutes(built.network.vpcId)).filter((table) => table.target);
    expect(drifted).toBeDefined();
    await ec2.send(new DeleteRouteCommand({ RouteTableId: drifted!.routeTableId, DestinationCidrBlock: '0.0.0.0/0' }));
    await queueProbeAnswers(passingProbe(), passingProbe());

    // WHEN billing joins it
    const join = await provision({ functionName: 'billing', network: { name: 'shared' } });

    // THEN the drift check found it, the join went round again for the exclusive lock, and the build's tasks repaired it
    expect([join.status, join.error, join.cause?.slice(0, 300)]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect([timesEntered(join, 'CheckJoinNetwork'), timesEntered(join, 'RepairUnderExclusiveLock'), timesEntered(join, 'EnsureRouteTables')]).toEqual([1, 1, 1]);
    const repaired = (await privateDefaultRoutes(built.network.vpcId)).find((table) => table.routeTableId === drifted!.routeTableId);
    expect(repaired?.target).toBe(drifted!.target);
  });

  it('fails ProbeFailed, explained with the path\'s analysis, when the probe of a join from the record gets no answer; billing is left as it was, its role without the policy', async () => {
    // GIVEN network "shared" ready, and billing as it is before the join
    await readyNetwork();
    const before = await functionSnapshot('billing', 'billing-role');
    // AND the probe function times out this time (the emulator's queued answer)
    await emulator.clearCalls();
    await queueProbeAnswers({ url: 'https://aws.amazon.com/', ok: false, elapsedMs: 3000, error: { kind: 'timeout', message: 'no response within 3 s (test)' } });

    // WHEN billing joins it
    const join = await provision({ functionName: 'billing', network: { name: 'shared' } });

    // THEN the join fails with the probe's error, its diagnosis made by RunProbe after the failure (a PASS verdict: the path is whole)
    expect([join.status, join.error, timesEntered(join, 'RunProbeOfJoin'), timesEntered(join, 'RepairUnderExclusiveLock')]).toEqual(['FAILED', 'ProbeFailed', 1, 0]);
    expect(join.cause).toContain('Diagnosis: the static analysis found every hop in place');
    expect(join.cause).toMatch(/reachability\W+verdict\W+PASS/);
    // AND Rollback left billing and its role as they were, and the network's parts untouched
    expect(await functionSnapshot('billing', 'billing-role')).toEqual(before);
    expect(mutatingCalls((await emulator.calls()).filter((call) => call.service === 'ec2'))).toEqual([]);
  });
});
