import { paginateQuery } from '@aws-sdk/client-dynamodb';
import { allPages } from '../paginate';
import { toItem } from './attributes';
import { networksOf, type RegisteredNetwork } from './network-items';
import { networkRecordKey, type Registry } from './table';

/** One network, its members and its lock: one strongly consistent Query of its partition. */
export async function readNetwork(registry: Registry, name: string): Promise<RegisteredNetwork> {
  const items = await allPages(
    paginateQuery(
      { client: registry.dynamodb },
      {
        TableName: registry.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: toItem({ ':pk': networkRecordKey(name).pk }),
        ConsistentRead: true,
      },
    ),
    (page) => page.Items,
  );
  return networksOf(items).find((network) => network.name === name) ?? { name, members: [] };
}
