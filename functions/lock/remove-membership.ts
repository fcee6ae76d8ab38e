import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { removeMembership } from '../shared/registry/remove-membership';
import { readNetwork } from '../shared/registry/read-network';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { MembershipRemovedSlice, ReleaseState } from '../undo/lifecycle-types';

/**
 * The released function is no longer a member (its member item and pointer go together). Says who is left,
 * and whether the release continues into the network's teardown (teardownIfUnused, or a network created with
 * deleteWhenUnused, and nobody left). Idempotent.
 */
export async function removeMembershipOfRelease(registry: Registry, input: ReleaseState): Promise<MembershipRemovedSlice> {
  const removed = await removeMembership(registry, input.request.functionArn);
  const network = await readNetwork(registry, input.request.network.name);
  const remainingMembers = network.members.map((member) => member.functionArn).sort();
  // Asked by this release, or by the request that created the network (network.deleteWhenUnused).
  const asked = input.request.teardownIfUnused || network.record?.deleteWhenUnused === true;
  return { network: network.name, removed: removed !== undefined, remainingMembers, teardown: asked && remainingMembers.length === 0 };
}

const dynamodb = new DynamoDBClient({});
export const handler = taskHandler('RemoveMembership', (input: ReleaseState) => removeMembershipOfRelease({ dynamodb, tableName: registryTableName() }, input));
