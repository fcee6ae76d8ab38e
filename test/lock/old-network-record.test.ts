import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem, fromItem } from '../../functions/shared/registry/attributes';
import { readNetworkRecord } from '../../functions/shared/registry/item-access';
import { recordMembership } from '../../functions/shared/registry/membership';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { readRegistry } from '../../functions/shared/registry/read';
import { networkRecordKey } from '../../functions/shared/registry/table';
import { execution, freshRegistry, functionArn } from '../support/registry-fixture';

/**
 * Issue 24 renamed the network record's NAT targets `natGatewayIds` -> `natTargetIds`. Items written by earlier
 * releases are still in users' tables: every reader must see their NAT targets under the new name, and the next
 * RecordMembership rewrites the item with it.
 */
const OLD_ITEM = {
  ...networkRecordKey('legacy'),
  name: 'legacy',
  mode: 'create',
  state: 'ready',
  vpcId: 'vpc-0legacy',
  azs: ['us-east-1a', 'us-east-1b'],
  natGatewayMode: 'instance',
  // An earlier release's shape: the NAT targets under the old name (a NAT instance's ENI among them).
  natGatewayIds: ['eni-0aaaaaaaaaaaaaaaa', 'eni-0bbbbbbbbbbbbbbbb'],
  privateSubnetIds: ['subnet-0a', 'subnet-0b'],
  execution: execution('provision-legacy').id,
  ledger: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('a network record written before natTargetIds (old-shaped DynamoDB item)', () => {
  it('reads its natGatewayIds as natTargetIds through every registry reader', async () => {
    // GIVEN an old-shaped network record in the registry table
    const registry = await freshRegistry();
    await registry.dynamodb.send(new PutItemCommand({ TableName: registry.tableName, Item: toItem(OLD_ITEM) }));

    // WHEN it is read as GetItem, as one network's Query, and as the inventory's Scan
    const single = await readNetworkRecord(registry, 'legacy');
    const queried = (await readNetwork(registry, 'legacy')).record;
    const scanned = (await readRegistry(registry)).find((network) => network.name === 'legacy')?.record;

    // THEN each has the NAT targets under the new name, and not the old one
    for (const record of [single, queried, scanned]) {
      expect(record?.natTargetIds).toEqual(['eni-0aaaaaaaaaaaaaaaa', 'eni-0bbbbbbbbbbbbbbbb']);
      expect(record).not.toHaveProperty('natGatewayIds');
    }
  });

  it('is rewritten under the new name by the next RecordMembership', async () => {
    // GIVEN the old-shaped record
    const registry = await freshRegistry();
    await registry.dynamodb.send(new PutItemCommand({ TableName: registry.tableName, Item: toItem({ ...OLD_ITEM, state: 'building' }) }));

    // WHEN a provision of the same network records its membership with today's shape
    await recordMembership(registry, {
      owner: execution('provision-legacy-again').id,
      network: { name: 'legacy', mode: 'create', vpcId: 'vpc-0legacy', azs: ['us-east-1a', 'us-east-1b'], natGatewayMode: 'instance', natTargetIds: ['eni-0aaaaaaaaaaaaaaaa', 'eni-0cccccccccccccccc'], privateSubnetIds: ['subnet-0a', 'subnet-0b'], ledger: [] },
      member: { functionArn: functionArn('orders'), functionName: 'orders', originalVpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false }, vpcAccessPolicyAttachedBefore: false },
    });

    // THEN the stored item holds natTargetIds only
    const stored = await registry.dynamodb.send(new GetItemCommand({ TableName: registry.tableName, Key: toItem(networkRecordKey('legacy')), ConsistentRead: true }));
    const item = fromItem(stored.Item ?? {});
    expect(item.natTargetIds).toEqual(['eni-0aaaaaaaaaaaaaaaa', 'eni-0cccccccccccccccc']);
    expect(item).not.toHaveProperty('natGatewayIds');
  });
});
