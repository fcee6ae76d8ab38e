import type { Tag, TagSpecification, ResourceType } from '@aws-sdk/client-ec2';
import { NetworkNeedsRepair } from './errors';

/** Tag keys every resource created by lambda-egress carries, so it can always be found again. */
export const TAG_NETWORK = 'lambda-egress:network';
export const TAG_EXECUTION = 'lambda-egress:execution';
export const TAG_MANAGED = 'lambda-egress:managed';
/**
 * Probe functions are named `<prefix>-<network>` (functions/probe/run-probe.ts); rollback and the stack's
 * permissions find them by this prefix.
 */
export const PROBE_FUNCTION_PREFIX = 'lambda-egress-probe';

/** Extra key saying which role a resource plays (public-subnet, nat, ...): lets a re-run find it without guessing. */
export const TAG_ROLE = 'lambda-egress:role';

export interface ManagedTagInput {
  readonly networkName: string;
  readonly executionId: string;
  readonly role: string;
  readonly name?: string;
  /** Set for a join holding a shared claim (network-lookup.ts tagsFor): it must not create network resources. */
  readonly sharedClaim?: boolean;
}

export function managedTags(input: ManagedTagInput): Tag[] {
  const tags: Tag[] = [
    { Key: TAG_NETWORK, Value: input.networkName },
    { Key: TAG_EXECUTION, Value: input.executionId },
    { Key: TAG_MANAGED, Value: 'true' },
    { Key: TAG_ROLE, Value: input.role },
  ];
  if (input.name) tags.push({ Key: 'Name', Value: input.name });
  return tags;
}

/** Called for every EC2 creation of a network task, so it is where a join (shared claim) is stopped from creating. */
export function tagSpecifications(resourceType: ResourceType, input: ManagedTagInput): TagSpecification[] {
  if (input.sharedClaim) {
    throw new NetworkNeedsRepair(`network "${input.networkName}" lacks its ${input.role} (${resourceType}): a join never repairs a network, so it starts again under the network's exclusive lock`, {
      network: input.networkName,
      missing: input.role,
    });
  }
  return [{ ResourceType: resourceType, Tags: managedTags(input) }];
}

export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}

/** Client-side tag match: moto ignores tag filters on some Describe calls (see EMULATOR.md). */
export function hasTags(tags: readonly Tag[] | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => tagValue(tags, key) === value);
}

export function isManaged(tags: readonly Tag[] | undefined): boolean {
  return tagValue(tags, TAG_MANAGED) === 'true';
}

/** True when this execution created the resource: a retried task adopts it and ledgers it again. */
export function createdBy(tags: readonly Tag[] | undefined, executionId: string): boolean {
  return tagValue(tags, TAG_EXECUTION) === executionId;
}

/**
 * The mark on a route table lambda-egress did not create but added a route to (existing-VPC mode): the value
 * lists the destinations it added, space-separated (`0.0.0.0/0 ::/0`). IAM lets the roles set and remove only
 * this key on such tables (aws:TagKeys), and lets Rollback delete routes only in tables that are lambda-egress's
 * or carry this mark: never in an arbitrary table. See infra/README.md, "Routes in a user's route table".
 */
export const TAG_ADDED_ROUTES = 'lambda-egress:added-routes';

/** The destinations a route table's mark lists. */
export function addedRoutes(tags: readonly Tag[] | undefined): string[] {
  return (tagValue(tags, TAG_ADDED_ROUTES) ?? '').split(' ').filter((destination) => destination.length > 0);
}

/** The mark's value with `destination` added (or removed), sorted so that equal sets give equal values. */
export function markValue(destinations: readonly string[], change: { add?: string; remove?: string }): string {
  const next = new Set(destinations);
  if (change.add) next.add(change.add);
  if (change.remove) next.delete(change.remove);
  return [...next].sort().join(' ');
}
