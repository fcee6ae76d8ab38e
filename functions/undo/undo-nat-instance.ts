import { DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DeleteLaunchTemplateCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { isNotFound } from '../shared/errors';
import type { LedgerEntry, ResourceKind } from '../shared/types';
import type { RollbackOutcome } from './types';
import { StillInUse } from './still-in-use';
import { undoCall, type UndoErrorMeaning } from './undo-call';

/**
 * Undo of a NAT instance (natGateways "instance", functions/network/ensure-nat-instance.ts), in the order AWS
 * allows: the Auto Scaling group first (force-deleted with its instance; waited for until it is gone, since the
 * instance holds the ENI until it is terminated), then its launch template, then the fixed ENI (deleting it
 * frees its Elastic IP, released as an `elastic-ip` entry after it), the security group with the others.
 */
const NAT_INSTANCE_KINDS: readonly ResourceKind[] = ['auto-scaling-group', 'launch-template', 'nat-instance-eni'];

/**
 * Auto Scaling answers a group it does not know with a ValidationError saying "not found", and names its errors
 * <Code>Fault (ResourceInUseFault, ScalingActivityInProgressFault).
 */
const NAT_INSTANCE_UNDO_ERRORS: UndoErrorMeaning = {
  alsoGone: (error) => /not found/i.test((error as Error).message),
  inUse: new Set(['InvalidNetworkInterface.InUse', 'ResourceInUse', 'ResourceInUseFault', 'ScalingActivityInProgress', 'ScalingActivityInProgressFault']),
};

export function isNatInstanceKind(kind: ResourceKind): boolean {
  return NAT_INSTANCE_KINDS.includes(kind);
}

export async function undoNatInstanceEntry(clients: { readonly ec2: EC2Client; readonly autoscaling: AutoScalingClient }, entry: LedgerEntry): Promise<RollbackOutcome> {
  switch (entry.kind) {
    case 'auto-scaling-group':
      return deleteGroup(clients.autoscaling, entry.id);
    case 'launch-template':
      return (await undoCall(() => clients.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: entry.id })), NAT_INSTANCE_UNDO_ERRORS)) ?? 'deleted';
    case 'nat-instance-eni':
      return deleteEni(clients.ec2, entry.id);
    default:
      throw new Error(`undoNatInstanceEntry cannot undo ${entry.kind}`);
  }
}

/**
 * ForceDelete terminates the instance with the group
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html); AWS lists the group
 * as "Delete in progress" until then, so the step waits (StillInUse) until DescribeAutoScalingGroups no longer
 * lists it.
 */
async function deleteGroup(autoscaling: AutoScalingClient, name: string): Promise<RollbackOutcome> {
  const before = await groupStatus(autoscaling, name);
  if (before === undefined) return 'already-gone';
  if (before !== 'Delete in progress') {
    const outcome = (await undoCall(() => autoscaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true })), NAT_INSTANCE_UNDO_ERRORS)) ?? 'deleted';
    if (outcome === 'already-gone') return outcome;
  }
  if ((await groupStatus(autoscaling, name)) !== undefined) throw new StillInUse(`Auto Scaling group ${name} is being deleted (its instance is terminating)`);
  return 'deleted';
}

async function groupStatus(autoscaling: AutoScalingClient, name: string): Promise<string | undefined> {
  const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  return group ? (group.Status ?? 'active') : undefined;
}

/** An ENI still attached (its instance terminating) cannot be deleted yet: the step waits. */
async function deleteEni(ec2: EC2Client, networkInterfaceId: string): Promise<RollbackOutcome> {
  let attachment;
  try {
    attachment = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [networkInterfaceId] }))).NetworkInterfaces?.[0]?.Attachment;
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
  if (attachment?.InstanceId && attachment.Status !== 'detached') throw new StillInUse(`network interface ${networkInterfaceId} is still attached to ${attachment.InstanceId}`);
  return (await undoCall(() => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: networkInterfaceId })), NAT_INSTANCE_UNDO_ERRORS)) ?? 'deleted';
}
