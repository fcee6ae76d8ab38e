import { CreateTagsCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { findManagedVpc, TAG_CREATED_AT } from '../../functions/network/network-lookup';
import { managedTags } from '../../functions/shared/tags';
import { emulator } from '../../local/test-support/emulator-control';

const ec2 = new EC2Client({});

async function networkVpc(executionId: string): Promise<string> {
  const created = await ec2.send(
    new CreateVpcCommand({ CidrBlock: '10.40.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: managedTags({ networkName: 'raced', executionId, role: 'vpc' }) }] }),
  );
  return created.Vpc!.VpcId!;
}

describe('findManagedVpc: "oldest wins" between two VPCs two executions raced to create', () => {
  it('picks the VPC created earliest by its creation time, even when its random id sorts last', async () => {
    // GIVEN two VPCs of network "raced"; the one whose id sorts last was created first
    await emulator.freshAccount();
    const [lowerId, higherId] = [await networkVpc('exec-a'), await networkVpc('exec-b')].sort();
    await ec2.send(new CreateTagsCommand({ Resources: [higherId!], Tags: [{ Key: TAG_CREATED_AT, Value: '2026-01-01T00:00:00.000Z' }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [lowerId!], Tags: [{ Key: TAG_CREATED_AT, Value: '2026-01-02T00:00:00.000Z' }] }));
    // WHEN a task looks the network's VPC up
    const found = await findManagedVpc(ec2, 'raced');
    // THEN it is the older one
    expect(found?.VpcId).toBe(higherId);
  });
});
