import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { LEASE_ATTRIBUTE, LOCK_OWNER_ATTRIBUTE, LOCKS_BY_OWNER_INDEX, PARTITION_KEY, SORT_KEY } from '../functions/shared/registry/table';
import { LOCAL_REGISTRY_TABLE_NAME } from './local-registry-name';

/**
 * Local mode's registry: the table the stack deploys (infra/registry-table.ts), created in the emulator with
 * the same keys, owner index and TTL attribute when it is not there yet. Safe to call from several processes at
 * once: a table another process just created counts as there.
 */
export async function ensureRegistryTable(dynamodb: DynamoDBClient = new DynamoDBClient({}), tableName = LOCAL_REGISTRY_TABLE_NAME): Promise<string> {
  const exists = await dynamodb.send(new DescribeTableCommand({ TableName: tableName })).then(
    () => true,
    (error: Error) => {
      if (error.name === 'ResourceNotFoundException') return false;
      throw error;
    },
  );
  if (exists) return tableName;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: SORT_KEY, AttributeType: 'S' },
          { AttributeName: LOCK_OWNER_ATTRIBUTE, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: SORT_KEY, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: LOCKS_BY_OWNER_INDEX,
            KeySchema: [
              { AttributeName: LOCK_OWNER_ATTRIBUTE, KeyType: 'HASH' },
              { AttributeName: PARTITION_KEY, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ResourceInUseException') return tableName;
    throw error;
  }
  await dynamodb.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: LEASE_ATTRIBUTE, Enabled: true } }));
  return tableName;
}
