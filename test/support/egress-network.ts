import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ExecutionContext, NormalizedRequest, SubnetTier } from '../../functions/shared/types';

/**
 * A small egress network built straight with the EC2 SDK (not with functions/network, which is written in
 * parallel): per AZ a public subnet (route table -> IGW) holding an EIP + NAT gateway, and a private subnet
 * (own route table -> that NAT); optionally IPv6 with an egress-only gateway (::/0 from the private tables).
 */
export interface EgressNetwork {
  readonly name: string;
  readonly vpcId: string;
  readonly ipv6: boolean;
  readonly subnets: Array<{ subnetId: string; az: string; tier: SubnetTier; cidr: string; ipv6Cidr?: string }>;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly internetGatewayId: string;
  readonly egressOnlyInternetGatewayId?: string;
  readonly natGateways: Array<{ az: string; natGatewayId: string; subnetId: string; allocationId: string }>;
  readonly publicRouteTableId: string;
  /** One per AZ, in the order of privateSubnetIds. */
  readonly privateRouteTableIds: string[];
  readonly securityGroupId: string;
}

export const AZS = ['us-east-1a', 'us-east-1b'] as const;

export async function buildEgressNetwork(ec2: EC2Client, options: { name?: string; second?: number; ipv6?: boolean } = {}): Promise<EgressNetwork> {
  const name = options.name ?? 'test-net';
  const second = options.second ?? 0;
  const ipv6 = options.ipv6 ?? false;
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${second}.0.0/16`, ...(ipv6 ? { AmazonProvidedIpv6CidrBlock: true } : {}) }));
  const vpcId = vpc.Vpc!.VpcId!;
  const vpcIpv6 = vpc.Vpc!.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  const ipv6Subnet = (index: number) => (vpcIpv6 ? vpcIpv6.replace(/00::\/56$/, `0${index}::/64`) : undefined);

  const igw = await ec2.send(new CreateInternetGatewayCommand({}));
  const internetGatewayId = igw.InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  const eigw = ipv6 ? await ec2.send(new CreateEgressOnlyInternetGatewayCommand({ VpcId: vpcId })) : undefined;
  const egressOnlyInternetGatewayId = eigw?.EgressOnlyInternetGateway?.EgressOnlyInternetGatewayId;

  const publicTable = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const publicRouteTableId = publicTable.RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: publicRouteTableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: internetGatewayId }));

  const subnets: EgressNetwork['subnets'] = [];
  const natGateways: EgressNetwork['natGateways'] = [];
  const privateRouteTableIds: string[] = [];
  for (const [index, az] of AZS.entries()) {
    const publicCidr = `10.${second}.${index}.0/24`;
    const privateCidr = `10.${second}.${16 * (index + 1)}.0/20`;
    const publicV6 = ipv6Subnet(index * 2);
    const privateV6 = ipv6Subnet(index * 2 + 1);
    const pub = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: publicCidr, AvailabilityZone: az, ...(publicV6 ? { Ipv6CidrBlock: publicV6 } : {}) }));
    const priv = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: privateCidr, AvailabilityZone: az, ...(privateV6 ? { Ipv6CidrBlock: privateV6 } : {}) }));
    const publicSubnetId = pub.Subnet!.SubnetId!;
    const privateSubnetId = priv.Subnet!.SubnetId!;
    subnets.push({ subnetId: publicSubnetId, az, tier: 'public', cidr: publicCidr, ...(publicV6 ? { ipv6Cidr: publicV6 } : {}) });
    subnets.push({ subnetId: privateSubnetId, az, tier: 'private', cidr: privateCidr, ...(privateV6 ? { ipv6Cidr: privateV6 } : {}) });
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicRouteTableId, SubnetId: publicSubnetId }));

    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const nat = await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnetId, AllocationId: eip.AllocationId! }));
    const natGatewayId = nat.NatGateway!.NatGatewayId!;
    natGateways.push({ az, natGatewayId, subnetId: publicSubnetId, allocationId: eip.AllocationId! });

    const privateTable = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
    const privateRouteTableId = privateTable.RouteTable!.RouteTableId!;
    privateRouteTableIds.push(privateRouteTableId);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateRouteTableId, SubnetId: privateSubnetId }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: privateRouteTableId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natGatewayId }));
    if (egressOnlyInternetGatewayId) {
      await ec2.send(new CreateRouteCommand({ RouteTableId: privateRouteTableId, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: egressOnlyInternetGatewayId }));
    }
  }
  const sg = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `${name}-egress`, Description: 'egress only (default outbound rule)' }));
  return {
    name,
    vpcId,
    ipv6,
    subnets,
    publicSubnetIds: subnets.filter((s) => s.tier === 'public').map((s) => s.subnetId),
    privateSubnetIds: subnets.filter((s) => s.tier === 'private').map((s) => s.subnetId),
    internetGatewayId,
    ...(egressOnlyInternetGatewayId ? { egressOnlyInternetGatewayId } : {}),
    natGateways,
    publicRouteTableId,
    privateRouteTableIds,
    securityGroupId: sg.GroupId!,
  };
}

/** The network slices as the network tasks place them in the state (`$.network.*`). */
export function networkSlices(network: EgressNetwork) {
  return {
    vpc: { vpcId: network.vpcId, cidrBlock: '10.0.0.0/16', ledger: [] },
    subnets: {
      subnets: network.subnets,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      natPlacements: network.natGateways.map(({ az, subnetId }) => ({ az, subnetId })),
      ledger: [],
    },
    securityGroup: { groupId: network.securityGroupId, ledger: [] },
    internetGateway: {
      internetGatewayId: network.internetGatewayId,
      ...(network.egressOnlyInternetGatewayId ? { egressOnlyInternetGatewayId: network.egressOnlyInternetGatewayId } : {}),
      ledger: [],
    },
    natGateways: network.natGateways.map((nat) => ({ ...nat, ledger: [] })),
  };
}

export function executionNamed(name: string): ExecutionContext {
  return { id: `arn:aws:states:us-east-1:000000000000:execution:lambda-egress-provision:${name}`, name };
}

export function normalizedRequest(
  fn: { functionName: string; functionArn: string },
  options: { networkName?: string; ipv6?: boolean; url?: string; timeoutSeconds?: number; expectedStatuses?: number[]; detachVpcAccessPolicy?: boolean } = {},
): NormalizedRequest {
  return {
    functionName: fn.functionName,
    functionArn: fn.functionArn,
    network: {
      mode: 'create',
      name: options.networkName ?? 'test-net',
      cidr: '10.0.0.0/16',
      azs: [...AZS],
      natGateways: 'per-az',
      ipv6: options.ipv6 ?? false,
      s3Endpoint: false,
      alarms: false,
      deleteWhenUnused: false,
      subnetPlan: [],
    },
    probe: { url: options.url ?? 'https://aws.amazon.com/', timeoutSeconds: options.timeoutSeconds ?? 3, expectedStatuses: options.expectedStatuses ?? [200] },
    detachVpcAccessPolicy: options.detachVpcAccessPolicy ?? true,
  };
}
