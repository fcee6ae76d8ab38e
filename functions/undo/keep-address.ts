import { CreateTagsCommand, DescribeAddressesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { isNotFound } from '../shared/errors';
import { isKeptAs, keptTags } from '../shared/kept-egress-ips';
import type { LedgerEntry } from '../shared/types';
import type { RollbackOutcome } from './types';

/**
 * The undo of an Elastic IP kept for its network (functions/shared/kept-egress-ips.ts): it stays allocated and
 * is tagged as kept instead of released. Tagged once: an address that already carries the tags (a later pass,
 * a rebuild's rollback) gets no call. An address released meanwhile is simply gone.
 * A kept address still costs its public IPv4 hour (https://aws.amazon.com/vpc/pricing/).
 */
export async function keepAddress(ec2: EC2Client, entry: LedgerEntry): Promise<RollbackOutcome> {
  let tags;
  try {
    const described = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [entry.id] }));
    const address = described.Addresses?.find((candidate) => candidate.AllocationId === entry.id);
    if (!address) return 'already-gone';
    tags = address.Tags;
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
  const wanted = keptTags(entry);
  if (!isKeptAs(tags, wanted)) await ec2.send(new CreateTagsCommand({ Resources: [entry.id], Tags: wanted }));
  return 'kept';
}
