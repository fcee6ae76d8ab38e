import type { Subnet } from '@aws-sdk/client-ec2';
import type { GroupLookup, NetworkView } from './reachability-facts';
import { pass, stop, type HopResult, type SubnetAt } from './route-hops';
import { allowsEgress, checkAclLegs, EPHEMERAL, INTERNET_V4 } from './traffic-rules';
import type { ReachabilityInput } from './types';

/** The filtering hops of one subnet's way out, one function each: security groups, then both network ACLs. */

/** Security groups are stateful: the replies are allowed automatically. */
export function securityGroupHop(groups: GroupLookup, at: SubnetAt, input: ReachabilityInput): HopResult<undefined> {
  const { subnetId, vpcId } = at;
  if (groups.missing.length > 0 || groups.found.length === 0) {
    const ids = groups.missing.length > 0 ? groups.missing : input.securityGroupIds;
    return stop({
      hop: 'security-group',
      subnetId,
      resourceId: ids.join(', ') || undefined,
      explanation: groups.found.length === 0 && groups.missing.length === 0 ? 'the function has no security group' : `security group(s) ${ids.join(', ')} do not exist`,
      fix: `give the function an existing security group of ${vpcId} that allows outbound TCP ${input.port}`,
    });
  }
  const allowing = groups.found.find((group) => allowsEgress(group, input.port));
  const groupIds = groups.found.map((group) => group.GroupId ?? '?');
  if (!allowing) {
    return stop({
      hop: 'security-group',
      subnetId,
      resourceId: groupIds.join(', '),
      explanation: `none of the function's security groups (${groupIds.join(', ')}) allows outbound TCP ${input.port} to 0.0.0.0/0: the connection never leaves the function`,
      fix: `add an outbound rule to ${groupIds[0]}: TCP ${input.port} to 0.0.0.0/0`,
    });
  }
  return pass(undefined, { hop: 'security-group', resourceId: allowing.GroupId, detail: `${allowing.GroupId} allows outbound TCP ${input.port} to 0.0.0.0/0` });
}

/** The subnet's network ACL is stateless: the replies need their own rule. */
export async function networkAclHop(network: NetworkView, at: SubnetAt, port: number): Promise<HopResult<undefined>> {
  const { subnetId } = at;
  const acl = await network.networkAclOf(at.subnet);
  if (!acl?.NetworkAclId) {
    return stop({ hop: 'network-acl', subnetId, resourceId: subnetId, explanation: `${subnetId} has no network ACL`, fix: `associate ${subnetId} with a network ACL` });
  }
  const problem = checkAclLegs(acl, subnetId, port, [
    { egress: true, remote: INTERNET_V4, ports: [port, port], what: `outbound TCP ${port} to the internet` },
    { egress: false, remote: INTERNET_V4, ports: EPHEMERAL, what: 'inbound return traffic from the internet on ephemeral ports' },
  ]);
  if (problem) return stop({ hop: 'network-acl', subnetId, resourceId: acl.NetworkAclId, ...problem });
  return pass(undefined, { hop: 'network-acl', resourceId: acl.NetworkAclId, detail: `${acl.NetworkAclId} allows outbound TCP ${port} and the replies on 1024-65535` });
}

/** The NAT gateway's subnet passes the function's traffic in and out, and the internet's replies back. */
export async function natNetworkAclHop(network: NetworkView, at: SubnetAt, natSubnet: Subnet, port: number): Promise<HopResult<undefined>> {
  const { subnetId } = at;
  const subnetCidr = at.subnet.CidrBlock ?? INTERNET_V4;
  const natAcl = await network.networkAclOf(natSubnet);
  if (!natAcl?.NetworkAclId) {
    return stop({ hop: 'nat-network-acl', subnetId, resourceId: natSubnet.SubnetId, explanation: `${natSubnet.SubnetId} (the NAT gateway's subnet) has no network ACL`, fix: `associate ${natSubnet.SubnetId} with a network ACL` });
  }
  const problem = checkAclLegs(natAcl, natSubnet.SubnetId ?? '?', port, [
    { egress: false, remote: subnetCidr, ports: [port, port], what: `inbound TCP ${port} from ${subnetId} (${subnetCidr}) to the NAT gateway` },
    { egress: true, remote: INTERNET_V4, ports: [port, port], what: `outbound TCP ${port} from the NAT gateway to the internet` },
    { egress: false, remote: INTERNET_V4, ports: EPHEMERAL, what: 'inbound return traffic from the internet to the NAT gateway on ephemeral ports' },
    { egress: true, remote: subnetCidr, ports: EPHEMERAL, what: `outbound return traffic from the NAT gateway to ${subnetId} (${subnetCidr}) on ephemeral ports` },
  ]);
  if (problem) return stop({ hop: 'nat-network-acl', subnetId, resourceId: natAcl.NetworkAclId, ...problem });
  return pass(undefined, { hop: 'nat-network-acl', resourceId: natAcl.NetworkAclId, detail: `${natAcl.NetworkAclId} of ${natSubnet.SubnetId} passes the NAT gateway's traffic both ways` });
}
