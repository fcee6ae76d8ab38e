import type { NatGateway } from '@aws-sdk/client-ec2';
import type { NetworkView } from './reachability-facts';
import { pass, stop, type HopResult, type NatAt, type SubnetAt } from './route-hops';

/**
 * The hop of a default route to a network interface (a NAT instance; a route to an instance names its primary
 * interface too), under the audit's rule (functions/network/find-nat-instance.ts): source/destination check off,
 * a public IPv4 address, attached to an instance; then, like a NAT gateway's, its subnet must route 0.0.0.0/0 to
 * an internet gateway attached to the VPC (the next hop, natSubnetRouteHop). A detached interface is inconclusive: an Auto Scaling
 * group may be replacing its instance, and the probe decides.
 */
export async function natInstanceHop(network: NetworkView, at: SubnetAt, rtb: string, eniId: string): Promise<HopResult<NatAt>> {
  const { subnetId, az } = at;
  const eni = await network.networkInterface(eniId);
  const broken = (explanation: string, fix: string, inconclusive = false) => stop({ hop: 'nat-gateway', subnetId, resourceId: eniId, explanation, fix }, inconclusive);
  if (!eni) return broken(`the default route of ${rtb} goes to ${eniId}, which does not exist: the route leads nowhere`, `point 0.0.0.0/0 of ${rtb} at a NAT gateway or a NAT instance in a public subnet of ${az} (running lambda-egress again recreates it)`);
  if (eni.SourceDestCheck !== false) {
    return broken(`${eniId}, the default route of ${rtb}, has source/destination check on: EC2 drops the traffic it would forward`, `aws ec2 modify-network-interface-attribute --network-interface-id ${eniId} --no-source-dest-check`);
  }
  if (!eni.Association?.PublicIp) {
    return broken(`${eniId}, the NAT instance of ${rtb}, has no public IPv4 address: its traffic cannot reach the internet`, `associate an Elastic IP with ${eniId}: aws ec2 associate-address --network-interface-id ${eniId} --allocation-id <eipalloc-...>`);
  }
  const instanceId = eni.Attachment?.InstanceId;
  if (!instanceId || eni.Attachment?.Status === 'detached' || eni.Attachment?.Status === 'detaching') {
    return broken(`${eniId}, the NAT instance network interface of ${rtb}, is attached to no instance now (an Auto Scaling group may be replacing it)`, `check the Auto Scaling group of the NAT instance in ${az}, or attach ${eniId} to a running NAT instance`, true);
  }
  const natSubnet = eni.SubnetId ? await network.subnet(eni.SubnetId) : undefined;
  // Its subnet's way out is checked as a NAT gateway's: by the next hop, on the interface's subnet.
  const asNat: NatGateway = { NatGatewayId: eniId, SubnetId: eni.SubnetId };
  return pass({ natVia: eniId, nat: asNat, natSubnet }, { hop: 'nat-gateway', resourceId: eniId, detail: `${eniId} is a NAT instance network interface (on ${instanceId}, ${eni.Association.PublicIp}, source/destination check off) in ${eni.SubnetId ?? '?'}` });
}
