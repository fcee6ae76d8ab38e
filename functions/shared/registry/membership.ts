import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../errors';
import { inCreationOrder } from '../ledger';
import { toItem } from './attributes';
import { getItem, readNetworkRecord } from './item-access';
import type { MembershipRecord, NetworkRecord } from './records';
import { memberKey, membershipKey, networkRecordKey, type Registry } from './table';

/** The network as the workflow leaves it ready: everything of NetworkRecord that the execution knows. */
type ReadyNetwork = Omit<NetworkRecord, 'state' | 'createdAt' | 'updatedAt' | 'execution'>;

/** The membership as the workflow knows it: the function's configuration before this execution changed it. */
type NewMembership = Omit<MembershipRecord, 'network' | 'recordedAt' | 'execution'>;

export interface MembershipWrite {
  readonly network: ReadyNetwork;
  readonly member: NewMembership;
  /** The execution ARN writing it. */
  readonly owner: string;
  /**
   * A join holding a shared claim (docs/joins.md): other joins write beside it, so the network record stays as
   * it is (checked `ready`, not rewritten) unless this execution added to its ledger.
   */
  readonly sharedClaim?: boolean;
  readonly now?: Date;
}

interface MembershipWritten {
  readonly network: NetworkRecord;
  readonly membership: MembershipRecord;
  /** The network the function was a member of before, when it moved from another one. */
  readonly movedFrom?: string;
  /** The egress IPs the record held before this write (its previous provision's). */
  readonly egressIpsBefore?: string[];
}

/**
 * Records that a function uses a network, and the network as `ready`: the member item, the function's pointer
 * to its network and the network record, in one transaction. Called by the lock holder, so nobody else writes
 * the network record meanwhile. Safe to repeat: a retry writes the same items. The function's original
 * configuration is the one from before lambda-egress *first* moved it: a function already a member (of this
 * network or, when it moves, of another one) keeps its recorded original, so release can still restore it.
 */
export async function recordMembership(registry: Registry, write: MembershipWrite): Promise<MembershipWritten> {
  // A join that added to the ledger writes the record only if no other join did meanwhile; else it merges again.
  for (let tried = 1; ; tried += 1) {
    try {
      return await writeMembership(registry, write);
    } catch (error) {
      if (!(write.sharedClaim && awsErrorName(error) === 'TransactionCanceledException' && tried < SHARED_WRITE_TRIES)) throw error;
    }
  }
}

const SHARED_WRITE_TRIES = 5;

async function writeMembership(registry: Registry, write: MembershipWrite): Promise<MembershipWritten> {
  const now = (write.now ?? new Date()).toISOString();
  const pointer = await getItem<{ network: string }>(registry, membershipKey(write.member.functionArn));
  const previous = pointer ? await getItem<MembershipRecord>(registry, memberKey(pointer.network, write.member.functionArn)) : undefined;
  const recorded = await readNetworkRecord(registry, write.network.name);
  const sameExecution = previous?.execution === write.owner;
  const membership = mergedMembership(write, previous, sameExecution, now);
  const network = mergedNetwork(write, recorded, sameExecution, now);
  const movedFrom = pointer && pointer.network !== write.network.name ? pointer.network : undefined;
  const keepsRecord = write.sharedClaim === true && recorded?.state === 'ready' && network.ledger.length === recorded.ledger.length;
  await registry.dynamodb.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: registry.tableName, Item: toItem({ ...memberKey(network.name, membership.functionArn), ...membership }) } },
        { Put: { TableName: registry.tableName, Item: toItem({ ...membershipKey(membership.functionArn), network: network.name, execution: membership.execution }) } },
        keepsRecord ? readyCheck(registry, network.name) : networkPut(registry, network, write.sharedClaim ? recorded : undefined),
        ...(movedFrom ? [{ Delete: { TableName: registry.tableName, Key: toItem(memberKey(movedFrom, membership.functionArn)) } }] : []),
      ],
    }),
  );
  return { network: keepsRecord ? recorded : network, membership, ...(movedFrom ? { movedFrom } : {}), ...(recorded?.egressIps ? { egressIpsBefore: recorded.egressIps } : {}) };
}

/** The member item: the function's first recorded original configuration wins, so release can still restore it. */
function mergedMembership(write: MembershipWrite, previous: MembershipRecord | undefined, sameExecution: boolean, now: string): MembershipRecord {
  // Already a member of this network: it stays the membership its first execution wrote, so a later execution
  // that fails after this write (Rollback: removeMembership onlyIfExecution) leaves it in place.
  const stays = previous !== undefined && previous.network === write.network.name;
  const narrowEniPolicy = previous?.narrowEniPolicy ?? write.member.narrowEniPolicy;
  // Who asked for the execution the membership keeps.
  const requestedBy = stays ? previous.requestedBy : write.member.requestedBy;
  return {
    network: write.network.name,
    functionArn: write.member.functionArn,
    functionName: write.member.functionName,
    originalVpcConfig: previous?.originalVpcConfig ?? write.member.originalVpcConfig,
    vpcAccessPolicyAttachedBefore: previous?.vpcAccessPolicyAttachedBefore ?? write.member.vpcAccessPolicyAttachedBefore,
    ...(narrowEniPolicy ? { narrowEniPolicy } : {}),
    execution: stays ? previous.execution : write.owner,
    ...(requestedBy ? { requestedBy } : {}),
    recordedAt: previous && (stays || sameExecution) ? previous.recordedAt : now,
  };
}

/** The network record as `ready`: what the creating request decided stays, the ledger is merged. */
function mergedNetwork(write: MembershipWrite, recorded: NetworkRecord | undefined, sameExecution: boolean, now: string): NetworkRecord {
  const keepsBuilder = recorded?.state === 'ready' && recorded.execution !== undefined;
  // Who may join: the rule of the request that created the network (ValidateRequest refuses a change).
  const { allowedFunctions: requestedRule, ...written } = write.network;
  const allowedFunctions = recorded?.state === 'ready' ? recorded.allowedFunctions : requestedRule;
  return {
    ...written,
    ...(allowedFunctions ? { allowedFunctions } : {}),
    // "A network created with deleteWhenUnused": the request that created it decides, not a later one.
    ...(recorded?.deleteWhenUnused !== undefined ? { deleteWhenUnused: recorded.deleteWhenUnused } : {}),
    // Once asked for, kept: a later request that leaves keepEgressIps out does not let a partner's addresses go.
    ...(recorded?.keepEgressIps || written.keepEgressIps ? { keepEgressIps: true } : {}),
    state: 'ready',
    execution: keepsBuilder ? recorded.execution : write.owner,
    ledger: inCreationOrder([...(recorded?.ledger ?? []), ...write.network.ledger]),
    createdAt: recorded?.createdAt ?? now,
    updatedAt: recorded?.state === 'ready' && sameExecution ? recorded.updatedAt : now,
  };
}

/** A join that adds nothing to the ledger leaves the record as it is, checked `ready`. */
function readyCheck(registry: Registry, name: string) {
  return {
    ConditionCheck: {
      TableName: registry.tableName,
      Key: toItem(networkRecordKey(name)),
      ConditionExpression: '#state = :ready',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: toItem({ ':ready': 'ready' }),
    },
  };
}

/** The network record written; beside other joins (`seen`: a shared claim's read), only if still the one read. */
function networkPut(registry: Registry, network: NetworkRecord, seen: NetworkRecord | undefined) {
  return {
    Put: {
      TableName: registry.tableName,
      Item: toItem({ ...networkRecordKey(network.name), ...network }),
      ...(seen ? { ConditionExpression: '#updatedAt = :seen', ExpressionAttributeNames: { '#updatedAt': 'updatedAt' }, ExpressionAttributeValues: toItem({ ':seen': seen.updatedAt }) } : {}),
    },
  };
}
