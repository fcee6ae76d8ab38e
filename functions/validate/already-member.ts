import { DescribeNatGatewaysCommand, DescribeSubnetsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { vpcConfigOf } from '../function/vpc-config';
import { isJoinOf } from '../shared/registry/join-rule';
import { readMembership } from '../shared/registry/read-membership';
import type { NetworkRecord } from '../shared/registry/records';
import type { Registry } from '../shared/registry/table';
import { addressesOfNatGateway } from '../network/egress-address';
import { isNatInstanceTarget } from '../network/nat-targets';
import type { AlreadyMember } from '../network/types';
import type { NormalizedNetwork } from '../shared/types';
import { natModeOf } from '../network/nat-modes';

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item) => b.includes(item));

/**
 * A repeated request (issue 26 point 2) is a no-op when all of this holds, read-only: the function is a member of
 * the requested network (its registry pointer and member item), the network is `ready` with the requested
 * settings (isJoinOf, after the join-settings inheritance), the function's VpcConfig is the network's (its
 * recorded private subnets, and its security group among the function's), and every NAT gateway the record names
 * is `available`. Anything else (other settings, a VpcConfig changed by hand, a NAT gateway gone or failed, a NAT
 * instance, whose health needs more reads) is not a no-op: the provision runs its join, which repairs.
 * NAT gateway states: https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html
 */
export async function alreadyMemberOf(
  ec2: EC2Client,
  registry: Registry | undefined,
  input: { readonly functionArn: string; readonly configuration: FunctionConfiguration; readonly network: NormalizedNetwork; readonly record: NetworkRecord | undefined },
): Promise<AlreadyMember | undefined> {
  const { record, network } = input;
  if (!registry || !isJoinOf(record, network)) return undefined;
  const { securityGroupId, vpcId, privateSubnetIds, natTargetIds: natGatewayIds } = record;
  if (!securityGroupId || !vpcId || natGatewayIds.length === 0 || natGatewayIds.some(isNatInstanceTarget)) return undefined;
  const current = vpcConfigOf(input.configuration);
  // The subnets decide the VPC (a subnet is in one VPC); VpcConfig.VpcId is not compared (the emulator reports a placeholder).
  if (!sameSet(current.subnetIds, privateSubnetIds) || !current.securityGroupIds.includes(securityGroupId)) return undefined;
  const membership = await readMembership(registry, input.functionArn);
  if (membership?.network !== record.name) return undefined;
  const described = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'nat-gateway-id', Values: natGatewayIds }] }));
  const nats = described.NatGateways ?? [];
  if (!natGatewayIds.every((id) => nats.some((nat) => nat.NatGatewayId === id && nat.State === 'available'))) return undefined;
  const subnetIds = [...new Set([...privateSubnetIds, ...nats.flatMap((nat) => (nat.SubnetId ? [nat.SubnetId] : []))])];
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? [];
  const azOf = (subnetId: string | undefined) => subnets.find((subnet) => subnet.SubnetId === subnetId)?.AvailabilityZone ?? '';
  const gateways = natGatewayIds.map((natGatewayId) => {
    const nat = nats.find((found) => found.NatGatewayId === natGatewayId);
    // A regional NAT gateway spans the AZs: its placement is named "regional", as EnsureNatGateway names it.
    const az = natModeOf(record.natGatewayMode).availability === 'regional' ? 'regional' : azOf(nat?.SubnetId);
    return { natTargetId: natGatewayId, az, state: nat?.State ?? 'missing', addresses: nat ? addressesOfNatGateway(nat, az) : [] };
  });
  const ipv6 = (subnetId: string) => subnets.find((subnet) => subnet.SubnetId === subnetId)?.Ipv6CidrBlockAssociationSet?.find((block) => block.Ipv6CidrBlockState?.State === 'associated')?.Ipv6CidrBlock;
  // What the record's ledger holds of the rest (a network lambda-egress built; an existing VPC's own parts are not in it).
  const ledgered = (kind: string) => record.ledger.filter((entry) => entry.kind === kind).map((entry) => entry.id);
  const internetGatewayId = ledgered('internet-gateway')[0];
  const vpcEndpointId = ledgered('vpc-endpoint')[0];
  return {
    network: {
      vpc: { vpcId },
      ...(internetGatewayId ? { internetGateway: { internetGatewayId } } : {}),
      ...(vpcEndpointId ? { s3Endpoint: { vpcEndpointId } } : {}),
      subnets: { privateSubnetIds, publicSubnetIds: ledgered('subnet').filter((id) => !privateSubnetIds.includes(id)), subnets: privateSubnetIds.map((subnetId) => ({ subnetId, az: azOf(subnetId), ...(ipv6(subnetId) ? { ipv6Cidr: ipv6(subnetId) } : {}) })) },
      securityGroup: { groupId: securityGroupId },
      natGateways: gateways.map(({ natTargetId, az }) => ({ natTargetId, az })),
    },
    function: { original: { vpcConfig: membership.originalVpcConfig }, attach: { ...current, vpcId } },
    natCheck: { gateways },
  };
}
