import { getItem } from './item-access';
import type { MembershipRecord } from './records';
import { memberKey, membershipKey, type Registry } from './table';


/** The membership of a function, if it is a member of a network: its pointer, then the member item. Read-only. */
export async function readMembership(registry: Registry, functionArn: string): Promise<MembershipRecord | undefined> {
  const pointer = await getItem<{ network: string }>(registry, membershipKey(functionArn));
  return pointer ? getItem<MembershipRecord>(registry, memberKey(pointer.network, functionArn)) : undefined;
}
