import { paginateDescribeAutoScalingGroups, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplatesCommand, paginateDescribeNetworkInterfaces, type EC2Client } from '@aws-sdk/client-ec2';
import { ledgerEntry } from '../shared/ledger';
import { allPages } from '../shared/paginate';
import { createdBy, TAG_EXECUTION } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';

/** What an execution created for NAT instances before its task failed (no ledger entry reached the state). */
export async function discoverNatInstanceParts(clients: { readonly ec2: EC2Client; readonly autoscaling: AutoScalingClient }, executionId: string): Promise<LedgerEntry[]> {
  const byTag = [{ Name: `tag:${TAG_EXECUTION}`, Values: [executionId] }];
  const found: LedgerEntry[] = [];
  const groups = await allPages(paginateDescribeAutoScalingGroups({ client: clients.autoscaling }, {}), (page) => page.AutoScalingGroups);
  for (const group of groups) if (group.AutoScalingGroupName && createdBy(group.Tags, executionId)) found.push(ledgerEntry('auto-scaling-group', group.AutoScalingGroupName));
  const templates = (await clients.ec2.send(new DescribeLaunchTemplatesCommand({ Filters: byTag }))).LaunchTemplates ?? [];
  for (const template of templates) if (template.LaunchTemplateId && createdBy(template.Tags, executionId)) found.push(ledgerEntry('launch-template', template.LaunchTemplateId));
  const enis = await allPages(paginateDescribeNetworkInterfaces({ client: clients.ec2 }, { Filters: byTag }), (page) => page.NetworkInterfaces);
  for (const eni of enis) if (eni.NetworkInterfaceId && createdBy(eni.TagSet, executionId)) found.push(ledgerEntry('nat-instance-eni', eni.NetworkInterfaceId));
  return found;
}
