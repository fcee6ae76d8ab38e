import { DescribeAddressesCommand, DescribeNetworkInterfacesCommand, type Address, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest, isNotFound } from '../shared/errors';
import type { NormalizedNetwork } from '../shared/types';
import { natGatewaysOf } from './find-nat-gateway';
import { leavesFromOwnAddresses, modesThat } from './nat-choices';
import { natModeOf } from './nat-modes';
import { findManagedVpc, isGone, isOfNetwork, networkTagFilters, ROLE } from './network-lookup';

const FIELD = 'network.eipAllocationIds';


/**
 * The user's Elastic IP for the NAT (gateway or instance) of `az` (in the order of the network's AZs; natGateways "single": the first),
 * or undefined when the request brought none.
 */
export function borrowedAllocationFor(network: Pick<NormalizedNetwork, 'natGateways' | 'azs' | 'eipAllocationIds'>, az: string): string | undefined {
  const ids = network.eipAllocationIds;
  if (!ids || ids.length === 0) return undefined;
  if (natModeOf(network.natGateways).servesAllAzs) return ids[0];
  const index = network.azs.indexOf(az);
  return index >= 0 ? ids[index] : undefined;
}

/**
 * ValidateRequest's check of network.eipAllocationIds, before anything is created (read-only): the mode takes
 * Elastic IPs (not "regional", whose addresses AWS manages in automatic mode:
 * https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html), there are enough of them, each
 * exists in this region (DescribeAddresses answers InvalidAllocationID.NotFound for one of another region or
 * none: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAddresses.html), and none is associated
 * with anything but a NAT of this very network (a second provision finds its NATs with them). A public NAT
 * gateway needs an unassociated EIP (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html);
 * a NAT instance's ENI gets one by AssociateAddress, which without AllowReassociation fails on an address in use
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html).
 */
export async function checkEgressIpAllocations(ec2: EC2Client, network: NormalizedNetwork, region: string): Promise<void> {
  const ids = network.eipAllocationIds;
  if (!ids || ids.length === 0) return;
  const mode = natModeOf(network.natGateways);
  if (!leavesFromOwnAddresses(mode)) {
    throw new InvalidRequest(FIELD, `does not apply to natGateways "${mode.name}": AWS allocates and manages a regional NAT gateway's addresses; remove network.eipAllocationIds, or use natGateways ${modesThat(leavesFromOwnAddresses)} to leave from your own addresses`);
  }
  // One per NAT: one per AZ, or one for a NAT that serves them all.
  const needed = mode.elasticIps(network.azs.length);
  if (ids.length < needed) {
    throw new InvalidRequest(
      FIELD,
      `gives ${ids.length} Elastic IP${ids.length === 1 ? '' : 's'}, but natGateways "${network.natGateways}" over ${network.azs.length} AZ${network.azs.length === 1 ? '' : 's'} (${network.azs.join(', ')}) needs ${needed}: one per NAT, in the order of the AZs; allocate ${needed - ids.length} more (aws ec2 allocate-address) or lower network.azCount`,
      { given: ids.length, needed },
    );
  }
  const addresses = await describeAll(ec2, ids, region);
  const own = await ownNatAssociations(ec2, network);
  for (const address of addresses) {
    const associated = address.AssociationId || address.NetworkInterfaceId || address.InstanceId;
    if (associated && !own.has(address.AllocationId ?? '') && !own.has(address.NetworkInterfaceId ?? '')) {
      const to = address.InstanceId || address.NetworkInterfaceId || address.AssociationId;
      throw new InvalidRequest(
        FIELD,
        `${address.AllocationId} (${address.PublicIp ?? 'no public IP'}) is associated with ${to}: a NAT needs an Elastic IP nothing else uses; disassociate it (aws ec2 disassociate-address --association-id ${address.AssociationId ?? '...'}) or give another`,
        { allocationId: address.AllocationId, associatedWith: to },
      );
    }
  }
}

async function describeAll(ec2: EC2Client, ids: readonly string[], region: string): Promise<Address[]> {
  const notHere = (id: string) =>
    new InvalidRequest(FIELD, `${id} is not an Elastic IP of this account in ${region}: it does not exist, was released, or is in another region; give the allocation id of an Elastic IP in ${region} (aws ec2 describe-addresses --region ${region})`, { allocationId: id });
  let addresses: Address[] | undefined;
  try {
    addresses = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [...ids] }))).Addresses ?? [];
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const missing = ids.filter((id) => !addresses?.some((address) => address.AllocationId === id));
  if (missing.length === 0 && addresses) return addresses;
  // The batch failed (or came back short): one at a time, so the error names the id that is not there.
  for (const id of missing) {
    try {
      const one = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] }))).Addresses ?? [];
      if (!one.some((address) => address.AllocationId === id)) throw notHere(id);
    } catch (error) {
      if (isNotFound(error)) throw notHere(id);
      throw error;
    }
  }
  return (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [...ids] }))).Addresses ?? [];
}

/**
 * What the network's own NATs hold (a repeated provision of the same network): the allocation ids of its live NAT
 * gateways and the ids of its NAT instances' fixed ENIs.
 */
export async function ownNatAssociations(ec2: EC2Client, network: NormalizedNetwork): Promise<Set<string>> {
  const own = await allocationsOfNetworkNats(ec2, network);
  if (natModeOf(network.natGateways).target !== 'nat-instance') return own;
  const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: networkTagFilters(network.name) }))).NetworkInterfaces ?? [];
  for (const eni of enis) if (eni.NetworkInterfaceId && isOfNetwork(eni.TagSet, network.name, ROLE.natInstanceEni)) own.add(eni.NetworkInterfaceId);
  return own;
}

/** The allocation ids the network's own live NAT gateways already use. */
async function allocationsOfNetworkNats(ec2: EC2Client, network: NormalizedNetwork): Promise<Set<string>> {
  const vpcId = network.vpcId ?? (await findManagedVpc(ec2, network.name))?.VpcId;
  if (!vpcId) return new Set();
  const nats = (await natGatewaysOf(ec2, vpcId)).filter((nat) => !isGone(nat.State));
  return new Set(nats.flatMap((nat) => (nat.NatGatewayAddresses ?? []).flatMap((address) => (address.AllocationId ? [address.AllocationId] : []))));
}
