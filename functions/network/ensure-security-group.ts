import {
  AuthorizeSecurityGroupEgressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { awsErrorName, NetworkNotRepairable } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { createdBy, tagSpecifications } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import { findNetworkSecurityGroup } from './find-security-group';
import { required, ROLE, tagsFor } from './network-lookup';
import type { NetworkTaskInput, SecurityGroupSlice } from './types';

/**
 * EnsureSecurityGroup: the network's egress-only group for functions — no inbound rule, all outbound traffic
 * to 0.0.0.0/0 (and ::/0 with IPv6). Found again by its tags, so every function of the network shares it.
 */
export async function ensureSecurityGroup(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<SecurityGroupSlice> {
  const { ec2 } = clients;
  const vpcId = required(input.network?.vpc, 'network.vpc', 'EnsureVpc').vpcId;
  const networkName = input.request.network.name;
  const ledger: LedgerEntry[] = [];
  let group = await findNetworkSecurityGroup(ec2, vpcId, networkName, input.execution.id);
  if (!group) group = await createGroup(ec2, input, vpcId);
  const groupId = required(group.GroupId, 'security group id', 'CreateSecurityGroup');
  if (createdBy(group.Tags, input.execution.id)) ledger.push(ledgerEntry('security-group', groupId, { detail: { vpcId } }));
  await ensureEgressRules(ec2, group, input.request.network.ipv6);
  return { groupId, ledger };
}

async function createGroup(ec2: EC2Client, input: NetworkTaskInput, vpcId: string): Promise<SecurityGroup> {
  const networkName = input.request.network.name;
  const tags = tagsFor(input, ROLE.securityGroup, 'egress');
  const groupName = tags.name ?? `lambda-egress-${networkName}-egress`;
  try {
    const created = await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: groupName,
        Description: `lambda-egress network ${networkName}: outbound only, for Lambda functions`,
        TagSpecifications: tagSpecifications('security-group', tags),
      }),
    );
    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [required(created.GroupId, 'CreateSecurityGroup GroupId', 'CreateSecurityGroup')] }));
    return required(described.SecurityGroups?.[0], `security group ${created.GroupId}`, 'CreateSecurityGroup');
  } catch (error) {
    if (awsErrorName(error) !== 'InvalidGroup.Duplicate') throw error;
    throw new NetworkNotRepairable(
      `a security group named ${groupName} already exists in ${vpcId} without the tags of lambda-egress network "${networkName}", so it is not lambda-egress's to use: rename or delete it, or choose another network.name`,
      { vpcId, groupName },
      { cause: error },
    );
  }
}

/** Adds only the missing outbound rules; a rule someone else added is left as it is. */
async function ensureEgressRules(ec2: EC2Client, group: SecurityGroup, ipv6: boolean): Promise<void> {
  const allTraffic = (group.IpPermissionsEgress ?? []).filter((rule) => rule.IpProtocol === '-1');
  const hasIpv4 = allTraffic.some((rule) => rule.IpRanges?.some((range) => range.CidrIp === '0.0.0.0/0'));
  const hasIpv6 = allTraffic.some((rule) => rule.Ipv6Ranges?.some((range) => range.CidrIpv6 === '::/0'));
  const missing = [
    ...(hasIpv4 ? [] : [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'lambda-egress: all outbound IPv4' }] }]),
    ...(ipv6 && !hasIpv6 ? [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'lambda-egress: all outbound IPv6' }] }] : []),
  ];
  if (missing.length === 0) return;
  try {
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: group.GroupId, IpPermissions: missing }));
  } catch (error) {
    // A concurrent execution added the same rule first: what we wanted is there.
    if (awsErrorName(error) !== 'InvalidPermission.Duplicate') throw error;
  }
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('EnsureSecurityGroup', (input: NetworkTaskInput) => ensureSecurityGroup(clients, input));
