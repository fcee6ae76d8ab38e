import type { Address } from '@aws-sdk/client-ec2';
import type { NormalizedNetwork } from '../../shared/types';
import { isOfNetwork, ROLE } from '../../network/network-lookup';
import { natModeOf } from '../../network/nat-modes';

/**
 * The Elastic IPs a network of this request holds when provision is done, one per NAT it runs: per AZ with
 * natGateways "per-az" and "instance", one with "single", none with "regional" (AWS manages a regional NAT
 * gateway's addresses; lambda-egress allocates none).
 */
export function elasticIpsWanted(network: Pick<NormalizedNetwork, 'natGateways' | 'azs'>): number {
  return natModeOf(network.natGateways).elasticIps(network.azs.length);
}

/**
 * What provision would ALLOCATE: the wanted addresses less those the network holds already (an earlier run's,
 * tagged with the network, reused by a re-run or a join) and less `reused`, the NATs of an existing VPC the
 * audit may use as they are. A request that brings its own addresses subtracts those as well.
 */
export function elasticIpsToAllocate(network: Pick<NormalizedNetwork, 'natGateways' | 'azs' | 'name' | 'eipAllocationIds'>, addresses: readonly Address[], reused = 0): number {
  const held = addresses.filter((address) => isOfNetwork(address.Tags, network.name, ROLE.natEip) || isOfNetwork(address.Tags, network.name, ROLE.natInstanceEip)).length;
  const brought = network.eipAllocationIds?.length ?? 0;
  return Math.max(0, elasticIpsWanted(network) - held - reused - brought);
}
