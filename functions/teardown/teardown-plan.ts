import type { RegisteredNetwork } from '../shared/registry/network-items';
import { InvalidRequest, NetworkInUse } from '../shared/errors';
import { readNetwork } from '../shared/registry/read-network';
import type { NetworkRecord } from '../shared/registry/records';
import type { Registry } from '../shared/registry/table';
import type { LockedNetwork } from './types';

/** The registered network a teardown would delete, else InvalidRequest naming it (nothing is deleted). */
export async function networkToTearDown(registry: Registry, name: string): Promise<RegisteredNetwork & { readonly record: NetworkRecord }> {
  const network = await readNetwork(registry, name);
  if (!network.record) {
    throw new InvalidRequest('network', `no lambda-egress network named "${name}" in the registry (lambda-egress networks lists them); nothing was deleted`, { network: name });
  }
  return network as RegisteredNetwork & { readonly record: NetworkRecord };
}

/** A release continues into its network's teardown when asked (teardownIfUnused, or the network's deleteWhenUnused) and nobody is left. */
export function releaseTearsDown(teardownIfUnused: boolean, network: RegisteredNetwork, remainingMembers: readonly string[]): boolean {
  return (teardownIfUnused || network.record?.deleteWhenUnused === true) && remainingMembers.length === 0;
}

/** Refuses a teardown while functions are members, naming each (nothing is deleted). */
export function refuseWhileInUse(network: RegisteredNetwork): void {
  if (network.members.length === 0) return;
  const names = network.members.map((member) => member.functionName || member.functionArn).sort();
  throw new NetworkInUse(
    `network "${network.name}" is still used by ${names.length} function(s): ${names.join(', ')}; release each first (lambda-egress release --function NAME), then run the teardown again. Nothing was deleted.`,
    { network: network.name, members: network.members.map((member) => member.functionArn).sort() },
  );
}

/** The lock request's network part, from the registry's record. */
export function lockedNetwork(network: RegisteredNetwork): LockedNetwork {
  const record = network.record;
  return {
    name: network.name,
    mode: record?.mode ?? 'create',
    azs: record?.azs ?? [],
    natGateways: record?.natGatewayMode ?? 'per-az',
    ...(record?.vpcId ? { vpcId: record.vpcId } : {}),
  };
}
