import { recordedNetwork } from '../../functions/network/recorded-network';
import type { NetworkRecord } from '../../functions/shared/registry/records';
import type { LedgerEntry } from '../../functions/shared/types';

const at = '2026-01-01T00:00:00.000Z';
const entry = (kind: LedgerEntry['kind'], id: string, az?: string): LedgerEntry => ({ kind, id, ...(az ? { az } : {}), createdAt: at });

/** A network lambda-egress built: one NAT gateway per AZ, an S3 endpoint, its whole ledger. */
const built: NetworkRecord = {
  name: 'shared',
  mode: 'create',
  state: 'ready',
  vpcId: 'vpc-1',
  azs: ['us-east-1a', 'us-east-1b'],
  natGatewayMode: 'per-az',
  natTargetIds: ['nat-a', 'nat-b'],
  privateSubnetIds: ['subnet-pa', 'subnet-pb'],
  securityGroupId: 'sg-1',
  ipv6: false,
  s3Endpoint: true,
  execution: 'arn:aws:states:us-east-1:123456789012:execution:provision:build',
  ledger: [
    entry('vpc', 'vpc-1'),
    entry('subnet', 'subnet-pa', 'us-east-1a'),
    entry('subnet', 'subnet-pb', 'us-east-1b'),
    entry('subnet', 'subnet-ua', 'us-east-1a'),
    entry('subnet', 'subnet-ub', 'us-east-1b'),
    entry('internet-gateway', 'igw-1'),
    entry('nat-gateway', 'nat-a', 'us-east-1a'),
    entry('nat-gateway', 'nat-b', 'us-east-1b'),
    entry('vpc-endpoint', 'vpce-1'),
  ],
  createdAt: at,
  updatedAt: at,
};

describe('functions/network/recorded-network.ts: a join\'s network from the registry record', () => {
  it('names the VPC, the private and public subnets with their AZs, the group, the NAT gateways, the internet gateway and the S3 endpoint, none of it ledgered', () => {
    const network = recordedNetwork(built);
    expect(network).toEqual({
      audit: { mode: 'create' },
      vpc: { vpcId: 'vpc-1' },
      subnets: {
        subnets: [
          { subnetId: 'subnet-pa', az: 'us-east-1a', tier: 'private' },
          { subnetId: 'subnet-pb', az: 'us-east-1b', tier: 'private' },
          { subnetId: 'subnet-ua', az: 'us-east-1a', tier: 'public' },
          { subnetId: 'subnet-ub', az: 'us-east-1b', tier: 'public' },
        ],
        privateSubnetIds: ['subnet-pa', 'subnet-pb'],
        publicSubnetIds: ['subnet-ua', 'subnet-ub'],
      },
      internetGateway: { internetGatewayId: 'igw-1' },
      securityGroup: { groupId: 'sg-1' },
      natGateways: [
        { natTargetId: 'nat-a', az: 'us-east-1a' },
        { natTargetId: 'nat-b', az: 'us-east-1b' },
      ],
      s3EndpointId: 'vpce-1',
    });
    expect(JSON.stringify(network)).not.toContain('ledger');
  });

  it('names a regional NAT gateway "regional", and no S3 endpoint for a network built without one', () => {
    const regional = recordedNetwork({ ...built, natGatewayMode: 'regional', natTargetIds: ['nat-r'], s3Endpoint: false, ledger: [...built.ledger.filter((item) => item.kind !== 'nat-gateway' && item.kind !== 'vpc-endpoint'), entry('nat-gateway', 'nat-r')] });
    expect([regional?.natGateways, regional?.s3EndpointId]).toEqual([[{ natTargetId: 'nat-r', az: 'regional' }], undefined]);
  });

  it('fails to name what the record cannot tell whole: the join then finds the network as a build does', () => {
    const cases: Array<[string, NetworkRecord]> = [
      ['an existing VPC (its parts are not in the ledger)', { ...built, mode: 'existing' }],
      ['IPv6 (the record keeps no subnet IPv6 block)', { ...built, ipv6: true }],
      ['a NAT instance (its health takes more reads)', { ...built, natTargetIds: ['eni-0123456789abcdef0'] }],
      ['a private subnet without its AZ in the ledger', { ...built, ledger: built.ledger.filter((item) => item.id !== 'subnet-pb') }],
      ['no internet gateway in the ledger', { ...built, ledger: built.ledger.filter((item) => item.kind !== 'internet-gateway') }],
      ['an S3 endpoint the ledger lacks', { ...built, ledger: built.ledger.filter((item) => item.kind !== 'vpc-endpoint') }],
      ['no security group', { ...built, securityGroupId: undefined }],
    ];
    expect(cases.map(([what, record]) => [what, recordedNetwork(record)])).toEqual(cases.map(([what]) => [what, undefined]));
  });
});
