import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import type { ProvisionResult } from '../../functions/report/types';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { removeMembership } from '../../functions/shared/registry/delete-membership';
import type { NatGatewayMode } from '../../functions/shared/types';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { ec2, registry, taggedForNetwork, teardown } from '../support/lifecycle-fixture';

const autoscaling = new AutoScalingClient({});

/** The NAT gateways of the account that are not deleted (the proxy answers the regional ones: moto does not know them). */
async function liveNatGateways(): Promise<string[]> {
  const { NatGateways } = await ec2.send(new DescribeNatGatewaysCommand({}));
  return (NatGateways ?? []).filter((nat) => nat.State !== 'deleted' && nat.State !== 'deleting').map((nat) => nat.NatGatewayId ?? '');
}

/** A fresh account with a network of the mode, provisioned and then left by its only member. */
async function unusedNetwork(name: string, natGateways: NatGatewayMode): Promise<void> {
  const { functionName } = await freshAccountWithFunction();
  await queueProbeAnswers(passingProbe());
  const run = await provision({ functionName, network: { name, azCount: 2, natGateways } });
  expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
  await removeMembership(await registry(), (run.output as ProvisionResult).functionArn);
  expect(await taggedForNetwork(name)).not.toEqual([]);
}

async function autoScalingGroupNames(): Promise<string[]> {
  return ((await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? []).map((group) => group.AutoScalingGroupName ?? '');
}

async function launchTemplateIds(): Promise<string[]> {
  return ((await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? []).map((template) => template.LaunchTemplateId ?? '');
}

async function instanceStates(): Promise<string[]> {
  const { Reservations } = await ec2.send(new DescribeInstancesCommand({}));
  return (Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.State?.Name ?? '');
}

describe('teardown of a regional NAT gateway network (local runner + real handlers + moto)', () => {
  it('tears down a regional NAT gateway network, leaving nothing tagged for it and no NAT gateway (fault proxy: the regional NAT gateway calls moto does not know)', async () => {
    // GIVEN an unused network with one regional NAT gateway
    await unusedNetwork('regional-egress', 'regional');
    expect(await liveNatGateways()).toHaveLength(1);

    // WHEN it is torn down
    const run = await teardown('regional-egress');

    // THEN nothing of it is left, and the registry forgets it
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await taggedForNetwork('regional-egress')).toEqual([]);
    expect(await liveNatGateways()).toEqual([]);
    expect((await readNetwork(await registry(), 'regional-egress')).record).toBeUndefined();
  });
});

describe('teardown of a NAT instance network (local runner + real handlers + moto)', () => {
  it('tears down a NAT instance network, leaving no Auto Scaling group, no launch template, no running instance and nothing tagged for it', async () => {
    // GIVEN an unused network with a NAT instance per AZ: an Auto Scaling group of one whose instance carries the fixed ENI
    await unusedNetwork('nat-instance-egress', 'instance');
    expect(await autoScalingGroupNames()).toHaveLength(2);
    expect(await launchTemplateIds()).toHaveLength(2);
    const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect((NetworkInterfaces ?? []).map((eni) => eni.Attachment?.Status)).toEqual(['attached', 'attached']);

    // WHEN it is torn down
    const run = await teardown('nat-instance-egress');

    // THEN the groups are gone with their instances, then the launch templates and the fixed ENIs: nothing of it is left,
    // and the registry forgets it
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await autoScalingGroupNames()).toEqual([]);
    expect(await launchTemplateIds()).toEqual([]);
    expect(await instanceStates()).toEqual(['terminated', 'terminated']);
    expect(await taggedForNetwork('nat-instance-egress')).toEqual([]);
    expect(await liveNatGateways()).toEqual([]);
    expect((await readNetwork(await registry(), 'nat-instance-egress')).record).toBeUndefined();
  });
});
