import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requiredEnvironment } from '../environment';

/**
 * The registry: one DynamoDB table (single-table design, infra/README.md "Registry") holding networks, their
 * members, and the locks that serialise executions. Every item is addressed by `pk`/`sk`:
 *
 * | pk                       | sk                   | item                                            |
 * |--------------------------|----------------------|-------------------------------------------------|
 * | `network#<name>`         | `network`            | the network record (state, VPC, NATs, ledger)   |
 * | `network#<name>`         | `member#<functionArn>` | a membership: the function's original config  |
 * | `network#<name>`         | `lock`               | the network's lock                              |
 * | `network#<name>`         | `join#<functionArn>` | a join's shared claim (join-claims.ts)          |
 * | `function#<functionArn>` | `membership`         | which network the function is a member of       |
 * | `function#<functionArn>` | `lock`               | the function's lock                             |
 *
 * Lock and claim items also carry `lockOwner`, the partition key of the sparse index LOCKS_BY_OWNER_INDEX, so the locks of
 * an execution are one Query; their `leaseExpiresAt` is the table's TTL attribute.
 */
export const REGISTRY_TABLE_ENV = 'REGISTRY_TABLE_NAME';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const LOCK_OWNER_ATTRIBUTE = 'lockOwner';
/** Epoch seconds: the lease's end, and the TTL attribute that lets DynamoDB delete long-dead locks. */
export const LEASE_ATTRIBUTE = 'leaseExpiresAt';
export const LOCKS_BY_OWNER_INDEX = 'locks-by-owner';

/** Partition key prefixes: the values IAM's dynamodb:LeadingKeys condition is matched against. */
export const NETWORK_PREFIX = 'network#';
export const FUNCTION_PREFIX = 'function#';

const NETWORK_SORT = 'network';
const LOCK_SORT = 'lock';
const MEMBERSHIP_SORT = 'membership';
const MEMBER_SORT_PREFIX = 'member#';
export const JOIN_SORT_PREFIX = 'join#';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const networkRecordKey = (network: string): ItemKey => ({ pk: `${NETWORK_PREFIX}${network}`, sk: NETWORK_SORT });
export const networkLockKey = (network: string): ItemKey => ({ pk: `${NETWORK_PREFIX}${network}`, sk: LOCK_SORT });
export const memberKey = (network: string, functionArn: string): ItemKey => ({ pk: `${NETWORK_PREFIX}${network}`, sk: `${MEMBER_SORT_PREFIX}${functionArn}` });
export const membershipKey = (functionArn: string): ItemKey => ({ pk: `${FUNCTION_PREFIX}${functionArn}`, sk: MEMBERSHIP_SORT });
export const joinClaimKey = (network: string, functionArn: string): ItemKey => ({ pk: `${NETWORK_PREFIX}${network}`, sk: `${JOIN_SORT_PREFIX}${functionArn}` });
export const functionLockKey = (functionArn: string): ItemKey => ({ pk: `${FUNCTION_PREFIX}${functionArn}`, sk: LOCK_SORT });

export const isNetworkRecord = (key: ItemKey): boolean => key.pk.startsWith(NETWORK_PREFIX) && key.sk === NETWORK_SORT;
export const isLock = (key: ItemKey): boolean => key.sk === LOCK_SORT;
export const isJoinClaim = (key: ItemKey): boolean => key.pk.startsWith(NETWORK_PREFIX) && key.sk.startsWith(JOIN_SORT_PREFIX);
export const isMember = (key: ItemKey): boolean => key.pk.startsWith(NETWORK_PREFIX) && key.sk.startsWith(MEMBER_SORT_PREFIX);
export const networkNameOf = (key: ItemKey): string | undefined => (key.pk.startsWith(NETWORK_PREFIX) ? key.pk.slice(NETWORK_PREFIX.length) : undefined);

/** What every registry call needs: the client (default provider chain, one per module) and the table. */
export interface Registry {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
}

/**
 * The table the stack passes in REGISTRY_TABLE_NAME (local mode: the one it creates in the emulator). Handlers
 * read it once at cold start; unset, they fail to load rather than use some other table.
 */
export function registryTableName(env: NodeJS.ProcessEnv = process.env): string {
  return requiredEnvironment(REGISTRY_TABLE_ENV, 'the stack passes every function that uses the registry its DynamoDB table (infra/registry-grants.ts); local mode passes the table it creates in the emulator', env);
}

export const epochSeconds = (date = new Date()): number => Math.floor(date.getTime() / 1000);
