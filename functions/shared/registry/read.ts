import { paginateScan } from '@aws-sdk/client-dynamodb';
import { allPages } from '../paginate';
import { toItem } from './attributes';
import { networksOf, type RegisteredNetwork } from './network-items';
import { NETWORK_PREFIX, type Registry } from './table';

export type { RegisteredNetwork };

/**
 * Every network of the registry with its members and lock, by name. One paginated Scan of the `network#`
 * partitions: the registry holds a few items per network, and the inventory needs them all.
 */
export async function readRegistry(registry: Registry): Promise<RegisteredNetwork[]> {
  const items = await allPages(
    paginateScan(
      { client: registry.dynamodb },
      {
        TableName: registry.tableName,
        FilterExpression: 'begins_with(#pk, :network)',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: toItem({ ':network': NETWORK_PREFIX }),
        ConsistentRead: true,
      },
    ),
    (page) => page.Items,
  );
  return networksOf(items);
}
