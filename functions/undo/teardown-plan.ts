import type { RegisteredNetwork } from '../shared/registry/network-items';
import { NetworkInUse } from '../shared/errors';
import type { LockedNetwork } from './lifecycle-types';

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
