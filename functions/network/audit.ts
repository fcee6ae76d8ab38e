import { DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../shared/clients';
import { NetworkNotRepairable } from '../shared/errors';
import { auditNat, auditSubnet } from './audit-classify';
import { narrateAudit } from './audit-narrate';
import { planRepairs } from './audit-plan';
import { findAttachedInternetGateway } from './find-internet-gateway';
import { natGatewaysOf } from './find-nat-gateway';
import { auditNatInstance, natInstanceEnisOf } from './find-nat-instance';
import { ipv6BlockOf, isGone, required, subnetsOf } from './network-lookup';
import { mainRouteTable, routeTablesOf } from './route-tables';
import type { AuditSlice, NetworkTaskInput } from './types';

/**
 * The audit of an existing VPC (read-only), for AuditExistingVpc and `lambda-egress plan`: the VPC's facts
 * (Describe calls), each subnet classified by its default route (audit-classify.ts), the least repair that gives
 * the function a private subnet with a NAT route in each AZ (audit-plan.ts), and all of it in plain words
 * (audit-narrate.ts). Throws NetworkNotRepairable when no AZ can be given egress without changing what
 * lambda-egress did not create.
 */
export async function auditExistingVpc(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<AuditSlice> {
  const network = input.request.network;
  const vpcId = required(network.vpcId, 'request.network.vpcId', 'ValidateRequest');
  const facts = await gatherFacts(clients.ec2, vpcId);
  const { vpc, subnets, tables, internetGatewayId } = facts;
  if (subnets.length < 2) {
    throw new NetworkNotRepairable(
      `${vpcId} has ${subnets.length} subnet(s); lambda-egress needs at least two to work with (one public for the NAT gateway, one private for the function): create them first (Amazon VPC guide, "Create a subnet"), or leave network.vpcId out to create a new VPC`,
      { vpcId, subnetCount: subnets.length },
    );
  }
  const main = required(facts.main, `main route table of ${vpcId}`, 'AWS');
  const natInstanceEnis = new Set(facts.natInstances.map((eni) => eni.NetworkInterfaceId ?? ''));
  const audited = subnets.map((subnet) => auditSubnet(subnet, tables, internetGatewayId, network.name, natInstanceEnis));
  const natGateways = [...facts.nats.map((nat) => auditNat(nat, audited, internetGatewayId)), ...facts.natInstances.map((eni) => auditNatInstance(eni, audited, network.name))];
  const classified = { cidrAssociations: vpc.CidrBlockAssociationSet ?? [], main, subnets: audited, natGateways };
  const plan = planRepairs(classified, network);
  const { present, missing, cannotFix, reported } = narrateAudit({ ...classified, vpcId, internetGatewayId }, plan, network);
  if (plan.repairs.length === 0) {
    throw new NetworkNotRepairable(`${vpcId} has no AZ where the function can get a private subnet with a NAT route: ${cannotFix.join('; ')}`, { vpcId, cannotFix });
  }
  if (plan.noRoomForNat) {
    throw new NetworkNotRepairable(
      `${vpcId} has no AZ with room for a public subnet for a NAT gateway (a free /28 in ${network.azs.join(', ')}), and no usable NAT gateway: add a CIDR block to the VPC or free some address space`,
      { vpcId },
    );
  }

  const ipv6CidrBlock = ipv6BlockOf(vpc);
  return {
    mode: 'existing',
    vpcId,
    cidrBlocks: (vpc.CidrBlockAssociationSet ?? []).filter((block) => block.CidrBlockState?.State === 'associated').map((block) => block.CidrBlock ?? ''),
    ...(ipv6CidrBlock ? { ipv6CidrBlock } : {}),
    mainRouteTableId: main.RouteTableId ?? '',
    ...(internetGatewayId ? { internetGatewayId } : {}),
    subnets: audited,
    natGateways: classified.natGateways,
    present,
    missing,
    cannotFix,
    reported,
    plan: { createInternetGateway: !internetGatewayId, azs: plan.repairs, subnetsToCreate: plan.subnetsToCreate },
  };
}

async function gatherFacts(ec2: EC2Client, vpcId: string) {
  const vpc = required((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0], `VPC ${vpcId}`, 'ValidateRequest');
  const subnets = await subnetsOf(ec2, vpcId);
  const tables = await routeTablesOf(ec2, vpcId);
  const internetGatewayId = (await findAttachedInternetGateway(ec2, vpcId))?.InternetGatewayId;
  const nats = (await natGatewaysOf(ec2, vpcId)).filter((nat) => !isGone(nat.State));
  const natInstances = await natInstanceEnisOf(ec2, tables);
  return { vpc, subnets, tables, main: mainRouteTable(tables), internetGatewayId, nats, natInstances };
}
