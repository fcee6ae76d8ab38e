import { DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import type { ProvisionResult } from '../../functions/report/types';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { removeMembership } from '../../functions/shared/registry/delete-membership';
import { emulator } from '../../local/test-support/emulator-control';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { describeEverything, ec2, lambdaEni, networkInterfaceIds, registry, taggedForNetwork, teardown } from '../support/lifecycle-fixture';

/** A provisioned network `egress` with orders-api as its member, recorded in the registry. */
async function provisioned(): Promise<{ result: ProvisionResult; functionName: string }> {
  const { functionName } = await freshAccountWithFunction();
  await queueProbeAnswers(passingProbe());
  const run = await provision({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single' } });
  expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
  return { result: run.output as ProvisionResult, functionName };
}

describe('teardown.asl.json (local runner + real handlers + moto)', () => {
  it('fails NetworkInUse naming each member while a function uses the network, and deletes nothing', async () => {
    // GIVEN a network with a member
    const { functionName } = await provisioned();
    const before = await describeEverything();

    // WHEN a teardown is asked for
    const run = await teardown('egress');

    // THEN it is refused by name, and everything is still there (the registry too)
    expect([run.status, run.error]).toEqual(['FAILED', 'NetworkInUse']);
    expect(run.cause).toContain(functionName);
    expect(await describeEverything()).toEqual(before);
    expect((await readNetwork(await registry(), 'egress')).record?.state).toBe('ready');
  });

  it('fails InvalidRequest naming the network when the registry does not know it', async () => {
    await emulator.freshAccount();
    await registry();
    const run = await teardown('nowhere');
    expect([run.status, run.error]).toEqual(['FAILED', 'InvalidRequest']);
    expect(run.cause).toContain('nowhere');
  });

  it("deletes the network's whole ledger and the detached Lambda ENIs in its subnets, leaves nothing tagged for it, and forgets the network", async () => {
    // GIVEN a network its last member has left, with Lambda's detached ENIs still in its private subnet
    const { result } = await provisioned();
    const reg = await registry();
    await removeMembership(reg, result.functionArn);
    const subnetId = result.network.privateSubnetIds[0]!;
    const enis = [await lambdaEni(subnetId, result.network.securityGroupId!), await lambdaEni(subnetId, result.network.securityGroupId!, 'AWS Lambda VPC ENI-lambda-egress-probe-egress-9f8e')];
    expect(await taggedForNetwork('egress')).not.toEqual([]);

    // WHEN it is torn down
    const run = await teardown('egress');

    // THEN nothing tagged for the network remains (VPC, subnets, NAT, EIP, IGW, SG, probe function), nor the ENIs
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await taggedForNetwork('egress')).toEqual([]);
    const left = await networkInterfaceIds();
    for (const eni of enis) expect(left).not.toContain(eni);
    // and the registry no longer knows it
    const network = await readNetwork(reg, 'egress');
    expect([network.record, network.lock]).toEqual([undefined, undefined]);
  });

  it('waits, visibly and bounded, for a Lambda ENI that stays in-use for a while, then deletes it (fault proxy: in-use answers)', async () => {
    // GIVEN an unused network whose Lambda ENI AWS reports in-use for the first two looks
    const { result } = await provisioned();
    await removeMembership(await registry(), result.functionArn);
    const eni = await lambdaEni(result.network.privateSubnetIds[0]!, result.network.securityGroupId!);
    await emulator.inject({
      service: 'ec2',
      action: 'DescribeNetworkInterfaces',
      times: 2,
      fault: { type: 'rewrite', replacements: [{ pattern: '<status>available</status>', replacement: '<status>in-use</status>' }] },
    });

    // WHEN it is torn down
    const callsBefore = (await emulator.calls()).length;
    const run = await teardown('egress');

    // THEN it waited (the pass said what for), then finished with the ENI gone
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(timesEntered(run, 'WaitForTeardown')).toBeGreaterThanOrEqual(1);
    const waited = run.events.find((event) => event.type === 'StateEntered' && 'state' in event && event.state.name === 'WaitForTeardown');
    expect(JSON.stringify(waited)).toContain(`Lambda ENI ${eni} is in-use`);
    expect(await networkInterfaceIds()).not.toContain(eni);
    expect(await taggedForNetwork('egress')).toEqual([]);
    // AND what the first pass deleted, the later passes did not delete again (one call per NAT, EIP, probe)
    const deletes = (await emulator.calls()).slice(callsBefore).map((call) => call.action);
    const count = (action: string) => deletes.filter((made) => made === action).length;
    expect([count('DeleteNatGateway'), count('ReleaseAddress'), count('DeleteFunction')]).toEqual([1, 1, 1]);
  });

  it('waits out a DependencyViolation on subnet deletion (fault proxy), then finishes', async () => {
    const { result } = await provisioned();
    await removeMembership(await registry(), result.functionArn);
    await emulator.inject({ service: 'ec2', action: 'DeleteSubnet', times: 1, fault: { type: 'error', code: 'DependencyViolation', status: 400, message: 'The subnet has dependencies and cannot be deleted.' } });

    const run = await teardown('egress');

    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(timesEntered(run, 'WaitForTeardown')).toBeGreaterThanOrEqual(1);
    expect(await taggedForNetwork('egress')).toEqual([]);
  });

  it("fails TeardownIncomplete naming an interface that is not Lambda's, and never deletes it", async () => {
    // GIVEN an unused network with someone's own interface in its private subnet
    const { result } = await provisioned();
    await removeMembership(await registry(), result.functionArn);
    const theirs = await lambdaEni(result.network.privateSubnetIds[0]!, result.network.securityGroupId!, 'database proxy of the payments team');

    // WHEN it is torn down
    const run = await teardown('egress');

    // THEN it stops with a report naming the interface and what it could not delete; the interface is intact
    expect([run.status, run.error]).toEqual(['FAILED', 'TeardownIncomplete']);
    expect(run.cause).toContain(theirs);
    const described = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [theirs] }));
    expect(described.NetworkInterfaces?.[0]?.NetworkInterfaceId).toBe(theirs);
    // the network is 'deleting' with its ledger, its lock given back
    const network = await readNetwork(await registry(), 'egress');
    expect([network.record?.state, network.lock]).toEqual(['deleting', undefined]);
    // cleanup of the test's own interface so a re-run can finish
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: theirs }));
    const again = await teardown('egress');
    expect([again.status, again.error, again.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await taggedForNetwork('egress')).toEqual([]);
  });
});
