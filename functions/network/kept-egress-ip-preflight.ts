import { DescribeAddressesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../shared/errors';
import { keptAddressOf, TAG_KEPT_FOR, type KeptAddress } from '../shared/kept-egress-ips';
import type { KeptEgressIp, NormalizedNetwork } from '../shared/types';
import { ownNatAssociations } from './egress-ip-preflight';
import { leavesFromOwnAddresses, modesThat } from './nat-choices';
import { natModeOf } from './nat-modes';

/**
 * ValidateRequest's look for the Elastic IPs an earlier teardown kept for this network's name
 * (network.keepEgressIps, functions/shared/kept-egress-ips.ts), read-only. A rebuild takes them again, each for
 * the NAT of the AZ it served, so the partner's allow-list keeps working; it is refused, before anything is
 * created, when they cannot be taken as they were:
 *   - one of them is associated with anything but this network's own NATs (a NAT needs an unassociated EIP:
 *     https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html);
 *   - one AZ of the kept set has no address any more (released outside lambda-egress), or the request has no
 *     NAT where one was kept (another azCount or mode): the addresses would not be the allow-listed set;
 *   - natGateways "regional" (AWS allocates its addresses) or network.eipAllocationIds (the user's own) instead.
 * An AZ the network did not have before gets a new address: the result announces the change.
 * Returns the idle kept addresses the NATs take, or undefined when there are none.
 */
export async function keptEgressIpsFor(ec2: EC2Client, network: NormalizedNetwork): Promise<KeptEgressIp[] | undefined> {
  const kept = await keptAddressesOf(ec2, network.name);
  if (kept.length === 0) return undefined;
  const own = await ownNatAssociations(ec2, network);
  const releaseAll = `release them (${kept.map((address) => `aws ec2 release-address --allocation-id ${address.allocationId}`).join('; ')}) to start with new ones`;
  const list = kept.map((address) => `${address.publicIp} (${address.allocationId}, ${address.az || 'no AZ'})`).join(', ');
  const elsewhere = kept.find((address) => address.associatedWith && !own.has(address.allocationId) && !own.has(address.associatedWith));
  if (elsewhere) {
    throw new InvalidRequest(
      'network.name',
      `the Elastic IP ${elsewhere.publicIp} (${elsewhere.allocationId}) kept for network "${network.name}" is associated with ${elsewhere.associatedWith}: a NAT needs an Elastic IP nothing else uses; disassociate it (aws ec2 disassociate-address --public-ip ${elsewhere.publicIp}), or ${releaseAll}, or choose another network.name`,
      { allocationId: elsewhere.allocationId, associatedWith: elsewhere.associatedWith },
    );
  }
  const idle = kept.filter((address) => !address.associatedWith);
  if (idle.length === 0) return undefined;
  const mode = natModeOf(network.natGateways);
  if (!leavesFromOwnAddresses(mode)) {
    throw new InvalidRequest('network.natGateways', `network "${network.name}" has Elastic IPs kept by its teardown (${list}), and a regional NAT gateway leaves from addresses AWS allocates: use natGateways ${modesThat(leavesFromOwnAddresses)} to leave from them again, or ${releaseAll}`);
  }
  if (network.eipAllocationIds) {
    throw new InvalidRequest('network.eipAllocationIds', `network "${network.name}" has Elastic IPs kept by its teardown (${list}), which its NATs take again: remove network.eipAllocationIds, or ${releaseAll}, or choose another network.name`);
  }
  const natAzs = mode.servesAllAzs ? network.azs.slice(0, 1) : network.azs;
  const set = [...new Set(kept.flatMap((address) => (address.set.length > 0 ? address.set : [address.az])))].sort();
  const gone = set.filter((az) => !kept.some((address) => address.az === az));
  if (gone.length > 0) {
    throw new InvalidRequest('network.name', `network "${network.name}" kept the Elastic IPs of ${set.join(', ')} at its teardown, and the one of ${gone.join(', ')} is gone (released outside lambda-egress): a rebuild would not leave from the allow-listed set; ${releaseAll}, or choose another network.name`, { gone });
  }
  if (mode.servesAllAzs ? kept.length !== 1 : set.some((az) => !natAzs.includes(az))) {
    throw new InvalidRequest(
      'network.azCount',
      `network "${network.name}" kept ${kept.length} Elastic IP${kept.length === 1 ? '' : 's'} at its teardown (${list}), one per NAT in ${set.join(', ')}, and this request's NATs (natGateways "${network.natGateways}") are in ${natAzs.join(', ')}: ask for the same AZs and mode to take them again, or ${releaseAll}`,
      { kept: set, requested: natAzs },
    );
  }
  return idle.map((address) => ({ az: mode.servesAllAzs ? (natAzs[0] ?? address.az) : address.az, allocationId: address.allocationId, publicIp: address.publicIp }));
}

/** Every address kept for `name` (tag filter, re-checked here: moto ignores some tag filters). */
export async function keptAddressesOf(ec2: EC2Client, name?: string): Promise<KeptAddress[]> {
  const filters = [{ Name: name ? `tag:${TAG_KEPT_FOR}` : 'tag-key', Values: [name ?? TAG_KEPT_FOR] }];
  const addresses = (await ec2.send(new DescribeAddressesCommand({ Filters: filters }))).Addresses ?? [];
  return addresses.flatMap((address) => {
    const kept = keptAddressOf(address);
    return kept && (!name || kept.network === name) ? [kept] : [];
  });
}

/** The kept address for the NAT of `az` (a NAT that serves every AZ, natGateways "single": the one kept), or undefined. */
export function keptAllocationFor(network: Pick<NormalizedNetwork, 'natGateways' | 'keptEgressIps'>, az: string): string | undefined {
  const kept = network.keptEgressIps ?? [];
  return (natModeOf(network.natGateways).servesAllAzs ? kept[0] : kept.find((address) => address.az === az))?.allocationId;
}
