import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  type EC2Client,
  type NetworkInterface,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../shared/clients';
import { KEPT_FOR } from '../shared/kept-egress-ips';
import { BORROWED, ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { createdBy, managedTags, tagSpecifications, type ManagedTagInput } from '../shared/tags';
import type { LedgerEntry, ResourceKind } from '../shared/types';
import { borrowedAllocationFor } from './egress-ip-preflight';
import { keptAllocationFor } from './kept-egress-ip-preflight';
import { DEFAULT_NAT_INSTANCE_TYPE, natInstanceLaunchData } from './nat-instance-launch';
import { isOfNetwork, networkTagFilters, ROLE, tagsFor } from './network-lookup';
import type { EnsureNatGatewayInput, NatGatewaySlice, ZonalNatPlacement } from './types';

/**
 * EnsureNatGateway for natGateways "instance": the NAT instance of one AZ, the fck-nat HA pattern. In the AZ's
 * public subnet, each found by its tags (or name) or created with them, and ledgered when this execution made it:
 *   1. a security group: inbound only from the VPC's CIDR (no SSH, nothing from the internet), all outbound;
 *   2. the fixed ENI in that group, source/destination check off (it forwards traffic that is not its own), with
 *      an Elastic IP: the private route tables' 0.0.0.0/0 targets this ENI by NetworkInterfaceId;
 *   3. a launch template putting that ENI on the instance as device 0 (nat-instance-launch.ts);
 *   4. an Auto Scaling group of exactly one in the AZ, which replaces a failed instance (the ENI, its route and
 *      its address stay).
 * The slice's `natTargetId` is the ENI: what the routes target, and what CheckNatGateways checks.
 */
export async function ensureNatInstance(clients: Pick<AwsClients, 'ec2' | 'autoscaling'>, input: EnsureNatGatewayInput, placement: ZonalNatPlacement): Promise<NatGatewaySlice> {
  const { ec2, autoscaling } = clients;
  const { az, subnetId } = placement;
  const run = new Ledger(input.execution.id, az);
  const instanceType = input.request.network.natInstanceType ?? DEFAULT_NAT_INSTANCE_TYPE;
  const tags = (role: string) => tagsFor(input, role, `nat-instance-${az}`);

  const securityGroupId = await ensureGroup(ec2, input, tags(ROLE.natInstanceSecurityGroup), run);
  const eni = await ensureEni(ec2, input, placement, securityGroupId, tags(ROLE.natInstanceEni), run);
  const networkInterfaceId = eni.NetworkInterfaceId ?? '';
  const allocationId = await ensureAddress(ec2, eni, tags(ROLE.natInstanceEip), run, chosenAddress(input, az));
  const launchTemplateId = await ensureLaunchTemplate(ec2, instanceType, networkInterfaceId, tags(ROLE.natInstanceLaunchTemplate), run);
  const autoScalingGroupName = await ensureGroupOfOne(autoscaling, input, launchTemplateId, subnetId, tags(ROLE.natInstanceGroup), run);
  logger.info('NAT instance ensured', { az, networkInterfaceId, autoScalingGroupName, instanceType });
  return {
    az,
    natTargetId: networkInterfaceId,
    subnetId,
    allocationId,
    natInstance: { autoScalingGroupName, launchTemplateId, securityGroupId, instanceType },
    ledger: run.entries,
  };
}

class Ledger {
  readonly entries: LedgerEntry[] = [];
  constructor(
    private readonly executionId: string,
    private readonly az: string,
  ) {}

  /** Ledgers a resource this execution created (now, or in an earlier try of this task). */
  add(kind: ResourceKind, id: string, tags: readonly Tag[] | undefined, detail: Record<string, string> = {}): void {
    if (createdBy(tags, this.executionId)) this.entries.push(ledgerEntry(kind, id, { az: this.az, detail }));
  }

  /** Ledgers what this execution uses but did not allocate (a borrowed or kept address): the detail says how to undo it. */
  addUsed(kind: ResourceKind, id: string, detail: Record<string, string>): void {
    this.entries.push(ledgerEntry(kind, id, { az: this.az, detail }));
  }
}

async function ensureGroup(ec2: EC2Client, input: EnsureNatGatewayInput, tags: ManagedTagInput, ledger: Ledger): Promise<string> {
  const { vpcId, cidrBlock } = input.network.vpc;
  const found = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: [tags.name ?? ''] }] }))).SecurityGroups?.find(
    (group) => isOfNetwork(group.Tags, input.request.network.name, ROLE.natInstanceSecurityGroup),
  );
  let groupId = found?.GroupId;
  if (!groupId) {
    const created = await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: tags.name ?? '',
        Description: `lambda-egress NAT instance of ${input.request.network.name}: inbound from the VPC only`,
        TagSpecifications: tagSpecifications('security-group', tags),
      }),
    );
    groupId = created.GroupId ?? '';
  }
  ledger.add('security-group', groupId, found?.Tags ?? managedTags(tags), { vpcId });
  const fromVpc = found?.IpPermissions?.some((rule) => rule.IpProtocol === '-1' && rule.IpRanges?.some((range) => range.CidrIp === cidrBlock));
  if (!fromVpc) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: cidrBlock, Description: 'traffic to NAT from the VPC' }] }],
      }),
    );
  }
  return groupId;
}

async function ensureEni(ec2: EC2Client, input: EnsureNatGatewayInput, placement: ZonalNatPlacement, groupId: string, tags: ManagedTagInput, ledger: Ledger): Promise<NetworkInterface> {
  const described = await ec2.send(
    new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [placement.subnetId] }, ...networkTagFilters(input.request.network.name)] }),
  );
  let eni = (described.NetworkInterfaces ?? []).find((candidate) => candidate.SubnetId === placement.subnetId && isOfNetwork(candidate.TagSet, input.request.network.name, ROLE.natInstanceEni));
  if (!eni) {
    const created = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: placement.subnetId,
        Groups: [groupId],
        Description: `lambda-egress NAT instance ENI of ${input.request.network.name} in ${placement.az}`,
        TagSpecifications: tagSpecifications('network-interface', tags),
      }),
    );
    eni = created.NetworkInterface ?? {};
  }
  const eniId = eni.NetworkInterfaceId ?? '';
  ledger.add('nat-instance-eni', eniId, eni.TagSet ?? managedTags(tags), { subnetId: placement.subnetId });
  // It forwards the private subnets' traffic: packets neither from nor to its own address
  // (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html, "Disable source/destination checks").
  if (eni.SourceDestCheck !== false) {
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: false } }));
  }
  return eni;
}

/**
 * The address the request chose for the NAT of `az`: the user's own (network.eipAllocationIds, ledgered as
 * borrowed: never released) or one an earlier teardown kept for the network (keepEgressIps: kept by a rollback).
 */
function chosenAddress(input: EnsureNatGatewayInput, az: string): { readonly allocationId: string; readonly detail: Record<string, string> } | undefined {
  const borrowed = borrowedAllocationFor(input.request.network, az);
  if (borrowed) return { allocationId: borrowed, detail: { [BORROWED]: 'true' } };
  const kept = keptAllocationFor(input.request.network, az);
  return kept ? { allocationId: kept, detail: { [KEPT_FOR]: input.request.network.name } } : undefined;
}

/**
 * The ENI's Elastic IP: the chosen one (ValidateRequest checked it is free or already the ENI's), else the one
 * associated with it, else one this network allocated for it, else a new one. AssociateAddress without
 * AllowReassociation: an address in use elsewhere is refused, never taken
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html).
 */
async function ensureAddress(ec2: EC2Client, eni: NetworkInterface, tags: ManagedTagInput, ledger: Ledger, chosen?: { readonly allocationId: string; readonly detail: Record<string, string> }): Promise<string> {
  const eniId = eni.NetworkInterfaceId ?? '';
  if (chosen) {
    ledger.addUsed('elastic-ip', chosen.allocationId, { networkInterfaceId: eniId, ...chosen.detail });
    const current = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [chosen.allocationId] }))).Addresses?.[0];
    if (current?.NetworkInterfaceId !== eniId) await ec2.send(new AssociateAddressCommand({ AllocationId: chosen.allocationId, NetworkInterfaceId: eniId }));
    return chosen.allocationId;
  }
  const described = await ec2.send(new DescribeAddressesCommand({ Filters: networkTagFilters(tags.networkName) }));
  const ours = (described.Addresses ?? []).filter((address) => isOfNetwork(address.Tags, tags.networkName, ROLE.natInstanceEip));
  const address = ours.find((candidate) => candidate.NetworkInterfaceId === eniId) ?? ours.find((candidate) => !candidate.AssociationId && candidate.Tags?.some((tag) => tag.Key === 'Name' && tag.Value === tags.name));
  let allocationId = address?.AllocationId;
  if (!allocationId) {
    const allocated = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpecifications('elastic-ip', tags) }));
    allocationId = allocated.AllocationId ?? '';
  }
  ledger.add('elastic-ip', allocationId, address?.Tags ?? managedTags(tags), { networkInterfaceId: eniId });
  if (address?.NetworkInterfaceId !== eniId) await ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eniId }));
  return allocationId;
}

async function ensureLaunchTemplate(ec2: EC2Client, instanceType: string, networkInterfaceId: string, tags: ManagedTagInput, ledger: Ledger): Promise<string> {
  const name = tags.name ?? '';
  const found = (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: [name] }] }))).LaunchTemplates?.find(
    (template) => template.LaunchTemplateName === name && isOfNetwork(template.Tags, tags.networkName, ROLE.natInstanceLaunchTemplate),
  );
  let templateId = found?.LaunchTemplateId;
  if (!templateId) {
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        LaunchTemplateData: natInstanceLaunchData({ instanceType, networkInterfaceId, tags }),
        TagSpecifications: tagSpecifications('launch-template', tags),
      }),
    );
    templateId = created.LaunchTemplate?.LaunchTemplateId ?? '';
  }
  ledger.add('launch-template', templateId, found?.Tags ?? managedTags(tags), { name });
  return templateId;
}

async function ensureGroupOfOne(autoscaling: AutoScalingClient, input: EnsureNatGatewayInput, launchTemplateId: string, subnetId: string, tags: ManagedTagInput, ledger: Ledger): Promise<string> {
  const name = tags.name ?? '';
  const found = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.find(
    (group) => group.Status !== 'Delete in progress' && isOfNetwork(group.Tags, input.request.network.name, ROLE.natInstanceGroup),
  );
  if (!found) {
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
        LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: '$Latest' },
        VPCZoneIdentifier: subnetId,
        HealthCheckType: 'EC2',
        // The group's own tags; its instances are tagged by the launch template.
        Tags: managedTags(tags).map((tag) => ({ Key: tag.Key, Value: tag.Value, PropagateAtLaunch: false })),
      }),
    );
  }
  ledger.add('auto-scaling-group', name, found?.Tags ?? managedTags(tags), { launchTemplateId });
  return name;
}
