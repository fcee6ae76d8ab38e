import { DescribeAvailabilityZonesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { functionStateWarning } from '../function/function-state-warning';
import type { CostEstimate } from '../shared/cost';
import { egressIpsOf, type EgressIdentity } from '../network/egress-ips';
import { idleKeptAddresses, type IdleKeptAddress } from './kept-egress-ips';
import { natGatewaysMonthlyCost } from '../network/network-cost';
import { isNotFound } from '../shared/errors';
import type { LockRecord, MembershipRecord, NetworkRecord } from '../shared/registry/records';
import { readRegistry, type RegisteredNetwork } from '../shared/registry/read';
import type { Registry } from '../shared/registry/table';

/** Something the registry says that AWS no longer agrees with, and what to do about it. */
interface Drift {
  /** The VPC, NAT gateway or function ARN concerned. */
  readonly subject: string;
  readonly problem: string;
  readonly fix: string;
}

interface InventoryMember {
  readonly functionArn: string;
  readonly functionName: string;
  readonly execution: string;
  readonly recordedAt: string;
  /** Who asked for the execution that made it a member (functions/shared/requested-by.ts). */
  readonly requestedBy?: MembershipRecord['requestedBy'];
  readonly drift?: Drift;
}

export interface InventoryNetwork {
  readonly name: string;
  readonly mode?: NetworkRecord['mode'];
  readonly state: NetworkRecord['state'] | 'unrecorded';
  readonly vpcId?: string;
  readonly azs: string[];
  /** The same AZs with their AZ IDs (the same physical AZ in every account); `id` absent when EC2 gives none. */
  readonly availabilityZones: Array<{ readonly name: string; readonly id?: string }>;
  readonly natGateways: { readonly mode?: NetworkRecord['natGatewayMode']; readonly ids: string[]; readonly live: number };
  /** The public IPs its functions leave from, as AWS holds them now (egress-ips.ts); empty while its VPC is gone. */
  readonly egressIps: string[];
  readonly egress: Pick<EgressIdentity, 'addresses' | 'ipv6Prefixes'>;
  readonly functions: InventoryMember[];
  /** Held by an execution now (building or repairing the network). */
  readonly lock?: Pick<LockRecord, 'lockOwner' | 'leaseExpiresAt'>;
  readonly builtBy?: string;
  readonly updatedAt?: string;
  /** The fixed monthly cost of its live NAT gateways and their public IPv4 addresses (data processing on top). */
  readonly monthlyCost: CostEstimate;
  readonly drifted: boolean;
  readonly drift: Drift[];
}

export interface Inventory {
  readonly networks: InventoryNetwork[];
  readonly totalMonthlyUsd: number;
  /** Elastic IPs kept by teardowns (network.keepEgressIps) that no NAT uses: each still paid (kept-egress-ips.ts). */
  readonly keptEgressIps: IdleKeptAddress[];
}

interface InventoryClients {
  readonly registry: Registry;
  readonly ec2: EC2Client;
  readonly lambda: LambdaClient;
}

const GONE_NAT_STATES = new Set(['deleting', 'deleted', 'failed']);

/**
 * Every network of the registry, checked against what EC2 and Lambda hold now: a network whose VPC is gone, a
 * NAT gateway that is gone, a member whose function is gone or no longer on the network's subnets are drift,
 * each with its fix. Read-only. Cost: the price table `plan` uses, for the NAT gateways still there.
 */
export async function listNetworks(clients: InventoryClients, options: { readonly gbPerMonth?: number } = {}): Promise<Inventory> {
  const registered = await readRegistry(clients.registry);
  const vpcIds = [...new Set(registered.flatMap((network) => (network.record?.vpcId ? [network.record.vpcId] : [])))];
  const liveVpcs = await existingVpcs(clients.ec2, vpcIds);
  const natStates = await natGatewayStates(clients.ec2, [...liveVpcs]);
  const zoneIds = await azIdsByName(clients.ec2, registered.flatMap((network) => network.record?.azs ?? []));
  const networks: InventoryNetwork[] = [];
  for (const network of registered) {
    const inventory = await inventoryOf(clients, network, liveVpcs, natStates, options.gbPerMonth ?? 0);
    networks.push({ ...inventory, availabilityZones: inventory.azs.map((name) => ({ name, ...(zoneIds.get(name) ? { id: zoneIds.get(name) } : {}) })) });
  }
  return { networks, totalMonthlyUsd: Math.round(networks.reduce((sum, network) => sum + network.monthlyCost.totalUsd, 0) * 100) / 100, keptEgressIps: await idleKeptAddresses(clients.ec2) };
}

async function inventoryOf(
  { lambda, ec2 }: Pick<InventoryClients, 'lambda' | 'ec2'>,
  network: RegisteredNetwork,
  liveVpcs: ReadonlySet<string>,
  natStates: ReadonlyMap<string, string>,
  gbPerMonth: number,
): Promise<Omit<InventoryNetwork, 'availabilityZones'>> {
  const record = network.record;
  const drift: Drift[] = [];
  const vpcGone = record?.vpcId !== undefined && !liveVpcs.has(record.vpcId);
  if (record?.vpcId && vpcGone) {
    drift.push({
      subject: record.vpcId,
      problem: `the VPC ${record.vpcId} of network "${network.name}" no longer exists`,
      fix: network.members.length > 0
        ? `provision a member again to rebuild the network, or release its ${network.members.length} member(s) and tear the network down to drop the record`
        : `nothing uses it: tear the network down to drop the record, or provision a function onto it to rebuild it`,
    });
  }
  const natIds = record?.natTargetIds ?? [];
  const liveNats = vpcGone ? [] : natIds.filter((id) => natStates.has(id) && !GONE_NAT_STATES.has(natStates.get(id) ?? ''));
  if (!vpcGone) {
    for (const id of natIds.filter((candidate) => !liveNats.includes(candidate))) {
      drift.push({
        subject: id,
        problem: `NAT gateway ${id} of network "${network.name}" is ${natStates.get(id) ?? 'gone'}: its AZ has no egress`,
        fix: `provision any member of "${network.name}" again: the workflow repairs the network`,
      });
    }
  }
  const functions = await Promise.all(network.members.map((member) => memberOf(lambda, member, record, vpcGone)));
  const { egressIps, addresses, ipv6Prefixes } = vpcGone ? { egressIps: [], addresses: [], ipv6Prefixes: [] } : await egressIpsOf(ec2, { natIds: liveNats, privateSubnetIds: record?.privateSubnetIds ?? [] });
  drift.push(...functions.flatMap((member) => (member.drift ? [member.drift] : [])));
  return {
    name: network.name,
    ...(record?.mode ? { mode: record.mode } : {}),
    state: record?.state ?? 'unrecorded',
    ...(record?.vpcId ? { vpcId: record.vpcId } : {}),
    azs: record?.azs ?? [],
    natGateways: { ...(record?.natGatewayMode ? { mode: record.natGatewayMode } : {}), ids: natIds, live: liveNats.length },
    egressIps,
    egress: { addresses, ipv6Prefixes },
    functions,
    ...(network.lock ? { lock: { lockOwner: network.lock.lockOwner, leaseExpiresAt: network.lock.leaseExpiresAt } } : {}),
    ...(record?.execution ? { builtBy: record.execution } : {}),
    ...(record?.updatedAt ? { updatedAt: record.updatedAt } : {}),
    // A live regional NAT gateway is billed for each AZ it serves (mode-cost.ts), not once.
    monthlyCost: natGatewaysMonthlyCost(record?.natGatewayMode, liveNats.length, record?.azs.length ?? 0, gbPerMonth),
    drifted: drift.length > 0,
    drift,
  };
}

async function memberOf(lambda: LambdaClient, member: MembershipRecord, record: NetworkRecord | undefined, vpcGone: boolean): Promise<InventoryMember> {
  const base = { functionArn: member.functionArn, functionName: member.functionName, execution: member.execution, recordedAt: member.recordedAt, ...(member.requestedBy ? { requestedBy: member.requestedBy } : {}) };
  let subnetIds: string[];
  let configuration: FunctionConfiguration;
  try {
    configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: member.functionArn }));
    subnetIds = configuration.VpcConfig?.SubnetIds ?? [];
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return {
      ...base,
      drift: { subject: member.functionArn, problem: `function ${member.functionName} no longer exists`, fix: `release ${member.functionName} to drop its membership (there is nothing to restore)` },
    };
  }
  const networkSubnets = new Set(record?.privateSubnetIds ?? []);
  const onNetwork = subnetIds.length > 0 && subnetIds.every((id) => networkSubnets.has(id));
  const stateWarning = functionStateWarning(member.functionName, configuration);
  if (onNetwork && !vpcGone && stateWarning) return { ...base, drift: { subject: member.functionArn, problem: stateWarning.problem, fix: stateWarning.fix } };
  if (onNetwork && !vpcGone) return base;
  return {
    ...base,
    drift: {
      subject: member.functionArn,
      problem: `function ${member.functionName} is ${subnetIds.length === 0 ? 'in no VPC' : `on subnets ${subnetIds.join(', ')}`}, not on the subnets of network "${member.network}"${vpcGone ? ' (whose VPC is gone)' : ''}`,
      fix: `provision ${member.functionName} onto "${member.network}" again, or release it to drop the membership and restore its original configuration`,
    },
  };
}

/** The VPCs of `vpcIds` that exist: one Describe with a vpc-id filter, which answers without an error for gone ones. */
async function existingVpcs(ec2: EC2Client, vpcIds: readonly string[]): Promise<Set<string>> {
  if (vpcIds.length === 0) return new Set();
  const found = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [...vpcIds] }] }));
  return new Set((found.Vpcs ?? []).flatMap((vpc) => (vpc.VpcId ? [vpc.VpcId] : [])));
}

/** NAT gateway id -> state, for every NAT gateway of these VPCs (all pages). */
async function natGatewayStates(ec2: EC2Client, vpcIds: readonly string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  if (vpcIds.length === 0) return states;
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [...vpcIds] }], ...(nextToken ? { NextToken: nextToken } : {}) }));
    for (const nat of page.NatGateways ?? []) if (nat.NatGatewayId) states.set(nat.NatGatewayId, nat.State ?? 'unknown');
    nextToken = page.NextToken;
  } while (nextToken);
  // natGateways "instance": a NAT instance is known by its fixed network interface, there while it exists.
  const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [...vpcIds] }] }));
  for (const eni of enis.NetworkInterfaces ?? []) if (eni.NetworkInterfaceId) states.set(eni.NetworkInterfaceId, 'available');
  return states;
}

/** AZ name -> AZ ID, one read for the whole inventory (none when no network records an AZ). */
async function azIdsByName(ec2: EC2Client, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }))).AvailabilityZones ?? [];
  return new Map(zones.flatMap((zone) => (zone.ZoneName && zone.ZoneId ? [[zone.ZoneName, zone.ZoneId] as const] : [])));
}
