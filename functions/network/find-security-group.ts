import { paginateDescribeSecurityGroups, type EC2Client, type SecurityGroup } from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';
import { createdBy } from '../shared/tags';
import { isOfNetwork, networkTagFilters, ROLE } from './network-lookup';

/**
 * EnsureSecurityGroup's find step (also `lambda-egress plan`'s): the network's egress group in the VPC, by its
 * tags; this execution's first, then by id.
 */
export async function findNetworkSecurityGroup(ec2: EC2Client, vpcId: string, networkName: string, executionId: string): Promise<SecurityGroup | undefined> {
  const groups = await allPages(
    paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...networkTagFilters(networkName)] }),
    (page) => page.SecurityGroups,
  );
  const candidates = groups.filter((group) => group.VpcId === vpcId && isOfNetwork(group.Tags, networkName, ROLE.securityGroup));
  return candidates.find((group) => createdBy(group.Tags, executionId)) ?? candidates.sort((a, b) => (a.GroupId ?? '').localeCompare(b.GroupId ?? ''))[0];
}
