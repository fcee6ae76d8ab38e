import { recordMembershipOfExecution } from '../../functions/membership/record-membership';
import type { RecordMembershipInput } from '../../functions/membership/types';
import { acquireNetworkLock } from '../../functions/membership/acquire-network-lock';
import { removeMembership } from '../../functions/shared/registry/delete-membership';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { readRegistry } from '../../functions/shared/registry/read';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { execution, freshRegistry, requestFor } from '../support/registry-fixture';

/** RecordMembership on moto's DynamoDB: the member, the function's pointer and the network record go together. */
const ORIGINAL = { subnetIds: ['subnet-old'], securityGroupIds: ['sg-old'], ipv6AllowedForDualStack: true };

function stateAfterAttach(functionName: string, run: string, network = 'shared', original = ORIGINAL): RecordMembershipInput {
  const created = (kind: string, id: string, at: string) => ({ kind, id, createdAt: `2026-03-02T10:00:0${at}.000Z` });
  return {
    execution: execution(run),
    request: requestFor(functionName, network),
    network: {
      vpc: { vpcId: `vpc-${network}`, ledger: [created('vpc', `vpc-${network}`, '1')] } as never,
      subnets: { privateSubnetIds: ['subnet-a', 'subnet-b'] },
      securityGroup: { groupId: 'sg-egress' },
      natGateways: [{ natTargetId: 'nat-a' }, { natTargetId: 'nat-b' }],
    },
    function: {
      original: { functionArn: requestFor(functionName).functionArn, functionName, vpcConfig: original, vpcAccessPolicyAttached: false },
      attach: { ledger: [created('function-vpc-config', functionName, '5')] },
    } as RecordMembershipInput['function'],
  };
}

/** The network's parameters are published on moto too (network-parameters.test.ts tells that story). */
const clients = { ssm: new SSMClient({}), ec2: new EC2Client({}) };

describe('RecordMembership', () => {
  it('records the member with its original configuration and the network as ready, with the network part of the ledger', async () => {
    // GIVEN execution a built network "shared" and attached orders
    const registry = await freshRegistry();
    await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') });
    // WHEN it records the membership
    const slice = await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a'));
    // THEN the network is ready, built by a, and its ledger holds the VPC and the parameters a published (the
    // egress IPs' has no value: the NATs of this state do not exist), but not the function's change
    expect(slice).toMatchObject({ network: 'shared', networkState: 'ready', vpcId: 'vpc-shared', natTargetIds: ['nat-a', 'nat-b'], ledgerSize: 4 });
    const { record, members } = await readNetwork(registry, 'shared');
    expect(record).toMatchObject({ state: 'ready', execution: execution('a').id, vpcId: 'vpc-shared', privateSubnetIds: ['subnet-a', 'subnet-b'], securityGroupId: 'sg-egress' });
    expect(record?.ledger.map((entry) => entry.kind)).toEqual(['vpc', 'ssm-parameter', 'ssm-parameter', 'ssm-parameter']);
    expect(members).toEqual([
      expect.objectContaining({ functionArn: requestFor('orders').functionArn, originalVpcConfig: ORIGINAL, vpcAccessPolicyAttachedBefore: false, execution: execution('a').id }),
    ]);
  });

  it('writes the same items when retried', async () => {
    const registry = await freshRegistry();
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a'));
    const first = await readRegistry(registry);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a'));
    expect(await readRegistry(registry)).toEqual(first);
  });

  it("keeps the network's builder and every execution's ledger when another function joins", async () => {
    const registry = await freshRegistry();
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a'));
    const joining = stateAfterAttach('billing', 'b');
    const withNat = { ...joining, network: { ...joining.network, natGateways: [{ natTargetId: 'nat-a', ledger: [{ kind: 'nat-gateway', id: 'nat-a', createdAt: '2026-03-02T11:00:00.000Z' }] }] } } as unknown as RecordMembershipInput;
    await recordMembershipOfExecution(registry, clients, withNat);
    const { record, members } = await readNetwork(registry, 'shared');
    expect(record?.execution).toBe(execution('a').id);
    expect(record?.ledger.map((entry) => entry.id)).toEqual([
      'vpc-shared',
      'nat-a',
      '/lambda-egress/networks/shared/vpc-id',
      '/lambda-egress/networks/shared/private-subnet-ids',
      '/lambda-egress/networks/shared/security-group-id',
    ]);
    expect(members.map((member) => member.functionName)).toEqual(['billing', 'orders']);
  });

  it('moves a member to another network keeping its true original configuration', async () => {
    // GIVEN orders is a member of blue, recorded with its pre-lambda-egress configuration
    const registry = await freshRegistry();
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a', 'blue'));
    // WHEN a later execution moves it to green (its "original" then is blue's configuration)
    const slice = await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'b', 'green', { subnetIds: ['subnet-a'], securityGroupIds: ['sg-egress'], ipv6AllowedForDualStack: false }));
    // THEN blue no longer lists it, and green restores to what it was before lambda-egress
    expect(slice.movedFrom).toBe('blue');
    expect((await readNetwork(registry, 'blue')).members).toEqual([]);
    expect((await readNetwork(registry, 'green')).members[0]?.originalVpcConfig).toEqual(ORIGINAL);
  });

  it('removes a membership only for the execution that wrote it when asked so (Rollback)', async () => {
    const registry = await freshRegistry();
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a'));
    expect(await removeMembership(registry, requestFor('orders').functionArn, { onlyIfExecution: execution('b').id })).toBeUndefined();
    expect((await readNetwork(registry, 'shared')).members).toHaveLength(1);
    expect(await removeMembership(registry, requestFor('orders').functionArn, { onlyIfExecution: execution('a').id })).toMatchObject({ functionName: 'orders' });
    expect((await readNetwork(registry, 'shared')).members).toEqual([]);
  });

  it('keeps the membership an earlier execution wrote when a later execution of the same function onto the same network rolls back', async () => {
    // GIVEN orders became a member of shared through execution a, and execution b re-recorded it
    const registry = await freshRegistry();
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'a'));
    await recordMembershipOfExecution(registry, clients, stateAfterAttach('orders', 'b'));
    // WHEN b's Rollback removes only what b wrote
    expect(await removeMembership(registry, requestFor('orders').functionArn, { onlyIfExecution: execution('b').id })).toBeUndefined();
    // THEN the membership stays, as a wrote it, with the original configuration
    expect((await readNetwork(registry, 'shared')).members).toEqual([expect.objectContaining({ execution: execution('a').id, originalVpcConfig: ORIGINAL })]);
  });

  it('fails, naming what is missing, when run before the network and the function are there', async () => {
    const registry = await freshRegistry();
    await expect(recordMembershipOfExecution(registry, clients, { execution: execution('a'), request: requestFor('orders') })).rejects.toThrow(
      /needs \$\.function\.original \(RecordFunction\), \$\.network\.vpc\.vpcId \(EnsureVpc\), \$\.network\.subnets\.privateSubnetIds/,
    );
  });
});
