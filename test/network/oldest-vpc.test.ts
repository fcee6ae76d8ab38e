import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { findManagedVpc, TAG_CREATED_AT } from '../../functions/network/network-lookup';
import { managedTags } from '../../functions/shared/tags';
import { emulator } from '../../local/emulator-control';

const ec2 = new EC2Client({});

async function networkVpc(createdAt: string): Promise<string> {
  const tags = [...managedTags({ networkName: 'raced', executionId: `exec-${createdAt}`, role: 'vpc' }), { Key: TAG_CREATED_AT, Value: createdAt }];
  const created = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: tags }] }));
  return created.Vpc!.VpcId!;
}

describe('findManagedVpc: "oldest wins" between two VPCs two executions raced to create', () => {
  it.each([
    ['the older created first', ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'], 0],
    ['the older created second', ['2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z'], 1],
  ] as const)('picks the VPC created earliest by its creation time, not by its random id (%s)', async (_label, times, oldest) => {
    // GIVEN two VPCs of network "raced", created at the given times
    await emulator.freshAccount();
    const ids = [await networkVpc(times[0]), await networkVpc(times[1])];
    // WHEN a task looks the network's VPC up
    const found = await findManagedVpc(ec2, 'raced');
    // THEN it is the one with the earliest creation time, whichever id sorts first
    expect(found?.VpcId).toBe(ids[oldest]);
  });
});
