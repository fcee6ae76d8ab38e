import { DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DescribeInstanceStatusCommand, DescribeNetworkInterfacesCommand, type InstanceStatus } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../shared/clients';
import { NatGatewayFailed } from '../shared/errors';
import { addressesOfNatInstance } from './egress-address';
import type { NatGatewaysCheck, NatGatewaySlice } from './types';

type Gateway = NatGatewaysCheck['gateways'][number];

/**
 * natGateways "instance": a NAT instance forwards only once it has booted and its user data has turned on IP
 * forwarding (1-2 minutes after launch), so it counts as `available` only when
 *   - its fixed ENI exists (else NatGatewayFailed, like a NAT gateway that is gone),
 *   - its Auto Scaling group has the instance holding that ENI `InService` (an instance starts `Pending`:
 *     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html), and
 *   - that instance is `running` and passes both EC2 status checks (`ok`; `initializing` while they run:
 *     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceStatusSummary.html).
 * Otherwise its state says what it waits for (`pending`, `initializing`, ...) and the ASL's NAT wait loop,
 * bounded, comes back. An existing VPC's NAT instance (no Auto Scaling group of ours) is its owner's: its ENI
 * is checked, the probe proves the path.
 */
export async function natInstanceStates(clients: Pick<AwsClients, 'ec2' | 'autoscaling'>, instances: readonly NatGatewaySlice[]): Promise<Gateway[]> {
  if (instances.length === 0) return [];
  const ids = instances.map((nat) => nat.natTargetId);
  const described = await clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: ids }] }));
  const enis = new Map((described.NetworkInterfaces ?? []).map((eni) => [eni.NetworkInterfaceId, eni]));
  const missing = instances.find((nat) => !enis.has(nat.natTargetId));
  if (missing) {
    throw new NatGatewayFailed(`the NAT instance network interface ${missing.natTargetId} in ${missing.az} is not found: it was deleted while the workflow waited for it`, {
      natGatewayId: missing.natTargetId,
      az: missing.az,
      state: 'missing',
    });
  }

  const groupNames = instances.flatMap((nat) => (nat.natInstance ? [nat.natInstance.autoScalingGroupName] : []));
  const groups = groupNames.length === 0 ? [] : ((await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: groupNames }))).AutoScalingGroups ?? []);
  const inService = (group: AutoScalingGroup | undefined) => new Set((group?.Instances ?? []).filter((instance) => instance.LifecycleState === 'InService').map((instance) => instance.InstanceId));
  const serving = new Map<string, string>();
  for (const nat of instances) {
    const holder = enis.get(nat.natTargetId)?.Attachment?.InstanceId;
    const group = groups.find((candidate) => candidate.AutoScalingGroupName === nat.natInstance?.autoScalingGroupName);
    if (nat.natInstance && holder && inService(group).has(holder)) serving.set(nat.natTargetId, holder);
  }
  const statuses = serving.size === 0 ? [] : ((await clients.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [...serving.values()], IncludeAllInstances: true }))).InstanceStatuses ?? []);

  return instances.map((nat) => {
    const eni = enis.get(nat.natTargetId);
    return { natTargetId: nat.natTargetId, az: nat.az, state: stateOf(nat, serving.get(nat.natTargetId), statuses), addresses: eni ? addressesOfNatInstance(eni) : [] };
  });
}

function stateOf(nat: NatGatewaySlice, instanceId: string | undefined, statuses: readonly InstanceStatus[]): string {
  if (!nat.natInstance) return 'available';
  if (!instanceId) return 'pending';
  const status = statuses.find((candidate) => candidate.InstanceId === instanceId);
  const running = status?.InstanceState?.Name;
  if (running !== 'running') return running ?? 'pending';
  const checks = [status?.InstanceStatus?.Status, status?.SystemStatus?.Status];
  if (checks.every((check) => check === 'ok')) return 'available';
  return checks.find((check) => check !== 'ok') ?? 'initializing';
}
