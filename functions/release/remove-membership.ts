import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { removeMembership } from '../shared/registry/delete-membership';
import { readNetwork } from '../shared/registry/read-network';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { MembershipRemovedSlice, ReleaseState } from './types';
import { releaseTearsDown } from '../teardown/teardown-plan';

/**
 * The released function is no longer a member (its member item and pointer go together). Says who is left,
 * and whether the release continues into the network's teardown (teardownIfUnused, or a network created with
 * deleteWhenUnused, and nobody left). Idempotent.
 */
export async function removeMembershipOfRelease(registry: Registry, input: ReleaseState): Promise<MembershipRemovedSlice> {
  const removed = await removeMembership(registry, input.request.functionArn);
  const network = await readNetwork(registry, input.request.network.name);
  const remainingMembers = network.members.map((member) => member.functionArn).sort();
  return { network: network.name, removed: removed !== undefined, remainingMembers, teardown: releaseTearsDown(input.request.teardownIfUnused, network, remainingMembers) };
}

const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('RemoveMembership', (input: ReleaseState) => removeMembershipOfRelease(registry, input));
