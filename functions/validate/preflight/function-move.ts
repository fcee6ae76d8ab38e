import { DescribeSubnetsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { awsErrorName, InvalidRequest, undefinedWhenNotFound } from '../../shared/errors';
import { natGatewaysMonthlyCost } from '../../network/network-cost';
import { readMembership } from '../../shared/registry/read-membership';
import { readNetwork } from '../../shared/registry/read-network';
import type { Registry } from '../../shared/registry/table';
import { TAG_NETWORK } from '../../shared/tags';
import type { LeftVpc, NormalizedNetwork } from '../../shared/types';
import { findManagedVpc } from '../../network/network-lookup';

interface FunctionMove {
  readonly functionArn: string;
  readonly configuration: FunctionConfiguration;
  readonly network: NormalizedNetwork;
  /** Request field moveFromVpc (--move-from-vpc). */
  readonly moveFromVpc: boolean;
  readonly registry?: Registry;
}

/**
 * A function in another VPC (its own, or another lambda-egress network's) loses that VPC's subnets and
 * security groups when it moves: its database access, say. So the move is asked for explicitly (moveFromVpc)
 * or refused before anything is created; when asked for, what it leaves is returned for plan and the result,
 * with, when it leaves a lambda-egress network without members, what that network still costs a month and
 * the command that tears it down. Reads only.
 */
export async function checkFunctionMove(ec2: EC2Client, move: FunctionMove): Promise<LeftVpc | undefined> {
  const subnetIds = [...(move.configuration.VpcConfig?.SubnetIds ?? [])];
  if (subnetIds.length === 0) return undefined;
  const [fromVpc, targetVpc] = await Promise.all([vpcOfSubnets(ec2, subnetIds), move.network.vpcId ?? findManagedVpc(ec2, move.network.name).then((vpc) => vpc?.VpcId)]);
  // Lambda's VpcConfig.VpcId is the fallback only: emulators do not fill it reliably.
  const vpcId = fromVpc ?? move.configuration.VpcConfig?.VpcId ?? 'a VPC whose subnets no longer exist';
  if (vpcId === targetVpc) return undefined;
  const securityGroupIds = [...(move.configuration.VpcConfig?.SecurityGroupIds ?? [])];
  const name = move.configuration.FunctionName ?? move.functionArn;
  if (!move.moveFromVpc) {
    const into = targetVpc ? `network "${move.network.name}" (${targetVpc})` : `the new VPC of network "${move.network.name}"`;
    throw new InvalidRequest(
      'moveFromVpc',
      `${name} is in ${vpcId} (subnets ${subnetIds.join(', ')}; security groups ${securityGroupIds.join(', ') || 'none'}), and this request would move it to ${into}: it would leave that VPC and those security groups, and whatever they reach (a database, say). To move it, ask for it: --move-from-vpc (request field moveFromVpc: true); to give it egress where it is, name its VPC (--vpc-id ${vpcId}, with --network NAME)`,
      { fromVpcId: vpcId, subnetIds, securityGroupIds },
    );
  }
  const network = fromVpc ? await networkLeft(ec2, move, fromVpc) : undefined;
  return { vpcId, subnetIds, securityGroupIds, ...(network ? { network } : {}) };
}

async function vpcOfSubnets(ec2: EC2Client, subnetIds: string[]): Promise<string | undefined> {
  try {
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? [];
    return subnets.find((subnet) => subnet.VpcId)?.VpcId;
  } catch (error) {
    if (/^InvalidSubnetID\./.test(awsErrorName(error) ?? '')) return undefined;
    throw error;
  }
}

/**
 * The lambda-egress network the function leaves, if the VPC is one: the network the registry has it as a member
 * of (when that network's VPC is this one), else the VPC's lambda-egress:network tag. Members are counted without
 * this function; none left, it still costs its NATs until `teardown`.
 */
async function networkLeft(ec2: EC2Client, move: FunctionMove, vpcId: string): Promise<LeftVpc['network']> {
  const membership = move.registry ? await undefinedWhenNotFound(readMembership(move.registry, move.functionArn)) : undefined;
  const registered = membership && move.registry ? await undefinedWhenNotFound(readNetwork(move.registry, membership.network)) : undefined;
  const name = registered?.record?.vpcId === vpcId ? registered.name : await networkTagOf(ec2, vpcId);
  if (!name || name === move.network.name) return undefined;
  if (!move.registry) return { name };
  const network = registered?.name === name ? registered : await undefinedWhenNotFound(readNetwork(move.registry, name));
  const membersLeft = (network?.members ?? []).filter((member) => member.functionArn !== move.functionArn).length;
  const record = network?.record;
  if (membersLeft > 0 || !record) return { name, membersLeft };
  const cost = natGatewaysMonthlyCost(record.natGatewayMode, record.natTargetIds.length, record.azs.length);
  return { name, membersLeft, monthlyCostUsd: Math.round(cost.totalUsd * 100) / 100, teardownCommand: `lambda-egress teardown --network ${name}` };
}

async function networkTagOf(ec2: EC2Client, vpcId: string): Promise<string | undefined> {
  const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
  return vpc?.Tags?.find((tag) => tag.Key === TAG_NETWORK)?.Value;
}
