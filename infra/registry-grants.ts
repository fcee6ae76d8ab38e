import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FUNCTION_PREFIX, LOCKS_BY_OWNER_INDEX, NETWORK_PREFIX, REGISTRY_TABLE_ENV } from '../functions/shared/registry/table';
import type { Grant } from './policy-builders';

/** The registry table's name and ARN, as the task functions get them. */
export interface RegistryTableRef {
  readonly tableName: string;
  readonly tableArn: string;
}

export const registryEnvironment = (table: RegistryTableRef): Record<string, string> => ({ [REGISTRY_TABLE_ENV]: table.tableName });

type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query';

/**
 * Item calls on the registry table, only on the partitions whose key starts with one of `prefixes`
 * (`network#`, `function#`). dynamodb:LeadingKeys is the partition key of each item a call touches
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html; condition keys in
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html). ForAllValues
 * holds for a request without the key, so Null=false requires it to be there. Transactions are authorized item
 * by item as these same actions.
 */
export function registryItems(sid: string, actions: ItemAction[], table: RegistryTableRef, prefixes: string[] = [NETWORK_PREFIX, FUNCTION_PREFIX]): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid,
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    ],
    why: 'no wildcard resource: the registry table only, and only partitions of the listed key prefixes',
  };
}

/** The locks of one execution: a Query of the keys-only owner index (its partition key is the owner, not a prefix). */
export function registryLocksByOwner(table: RegistryTableRef): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'RegistryLocksByOwner', actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${LOCKS_BY_OWNER_INDEX}`] })],
    why: 'no wildcard resource: the keys-only lock index of the registry table',
  };
}

/** The inventory reads every network: a Scan, which has no partition key to condition on. Read-only. */
export function registryScan(table: RegistryTableRef): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'RegistryScan', actions: ['dynamodb:Scan'], resources: [table.tableArn] })],
    why: 'no wildcard resource: read-only Scan of the registry table',
  };
}
