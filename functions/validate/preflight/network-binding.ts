import { paginateDescribeSecurityGroups, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../../shared/errors';
import { allPages } from '../../shared/paginate';
import { findManagedVpc, isOfNetwork, networkTagFilters, ROLE } from '../../network/network-lookup';

/**
 * A network's name is its identity: it is bound to one VPC, the one lambda-egress created under that name
 * (tagged lambda-egress:network) or the existing VPC its egress security group went into. A request that would
 * bind the name to another VPC is refused: the registry would then describe the wrong VPC, and two networks'
 * NAT gateways would run under one name.
 */
export async function checkNameBinding(ec2: EC2Client, name: string, request: { readonly vpcId?: string }): Promise<void> {
  const { own, bound } = await vpcsBoundTo(ec2, name);
  const other = bound.find((vpcId) => vpcId !== request.vpcId);
  if (!other) return;
  if (request.vpcId) {
    throw new InvalidRequest(
      'network.name',
      `network "${name}" is bound to ${other}, and this request would bind it to ${request.vpcId} too: give ${request.vpcId} a network name of its own (--network NAME with --vpc-id ${request.vpcId}; network.name), or use ${other} (--vpc-id ${other})`,
      { boundVpcId: other, requestedVpcId: request.vpcId },
    );
  }
  // A new network of a name whose own VPC exists is a join of it; one that has only an existing VPC is not.
  if (!own) {
    throw new InvalidRequest(
      'network.name',
      `network "${name}" is bound to the existing VPC ${other}, and this request would create a new VPC under the same name: give the existing VPC (--vpc-id ${other}; network.vpcId), or another network name for a new VPC (--network NAME; network.name)`,
      { boundVpcId: other },
    );
  }
}

/** The VPCs a name is bound to: its own VPC, and those holding its egress security group (existing-VPC networks). */
async function vpcsBoundTo(ec2: EC2Client, name: string): Promise<{ own?: string; bound: string[] }> {
  const [own, groups] = await Promise.all([
    findManagedVpc(ec2, name),
    allPages(paginateDescribeSecurityGroups({ client: ec2 }, { Filters: networkTagFilters(name) }), (page) => page.SecurityGroups),
  ]);
  const ids = [own?.VpcId, ...groups.filter((group) => isOfNetwork(group.Tags, name, ROLE.securityGroup)).map((group) => group.VpcId)];
  return { ...(own?.VpcId ? { own: own.VpcId } : {}), bound: [...new Set(ids.filter((id): id is string => Boolean(id)))].sort() };
}
