import {
  DeleteEgressOnlyInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ReleaseAddressCommand,
  ReplaceRouteTableAssociationCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { awsErrorName, isNotFound } from '../shared/errors';
import type { LedgerEntry } from '../shared/types';
import type { RollbackOutcome } from './types';

/** Thrown inside an undo step when AWS makes us wait; rollback collects these and retries later. */
export class StillInUse extends Error {
  override readonly name = 'StillInUse';
}

const IN_USE_ERRORS = new Set(['DependencyViolation', 'InvalidIPAddress.InUse', 'IncorrectState', 'InvalidState', 'ResourceInUse']);

/** Runs one AWS call of an undo step: "already gone" is done, "in use" means wait. */
async function undoCall(call: () => Promise<unknown>, gone: RollbackOutcome = 'already-gone'): Promise<RollbackOutcome | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (isNotFound(error) || awsErrorName(error) === 'Gateway.NotAttached') return gone;
    if (IN_USE_ERRORS.has(awsErrorName(error) ?? '')) throw new StillInUse(`${awsErrorName(error)}: ${(error as Error).message}`);
    throw error;
  }
}

export async function undoNetworkEntry(ec2: EC2Client, entry: LedgerEntry): Promise<RollbackOutcome> {
  const detail = entry.detail ?? {};
  switch (entry.kind) {
    case 'vpc-endpoint':
      return (await undoCall(() => ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [entry.id] })))) ?? 'deleted';
    case 'route': {
      const routeTableId = detail.routeTableId ?? entry.id.split(':')[0];
      const destination = detail.destination ?? entry.id.slice(entry.id.indexOf(':') + 1);
      const ipv6 = destination.includes(':');
      const outcome = await undoCall(() =>
        ec2.send(new DeleteRouteCommand({ RouteTableId: routeTableId, ...(ipv6 ? { DestinationIpv6CidrBlock: destination } : { DestinationCidrBlock: destination }) })),
      );
      return outcome ?? 'deleted';
    }
    case 'route-table-association': {
      // An association that replaced a subnet's earlier one is put back; a new one is simply removed.
      const previous = detail.previousRouteTableId;
      const outcome = previous
        ? await undoCall(() => ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: entry.id, RouteTableId: previous })))
        : await undoCall(() => ec2.send(new DisassociateRouteTableCommand({ AssociationId: entry.id })));
      return outcome ?? (previous ? 'restored' : 'deleted');
    }
    case 'route-table':
      return deleteRouteTable(ec2, entry.id);
    case 'nat-gateway':
      return deleteNatGateway(ec2, entry.id);
    case 'elastic-ip':
      return (await undoCall(() => ec2.send(new ReleaseAddressCommand({ AllocationId: entry.id })))) ?? 'deleted';
    case 'internet-gateway':
      return deleteInternetGateway(ec2, entry.id);
    case 'egress-only-internet-gateway':
      return (await undoCall(() => ec2.send(new DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: entry.id })))) ?? 'deleted';
    case 'security-group':
      return (await undoCall(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: entry.id })))) ?? 'deleted';
    case 'subnet':
      return (await undoCall(() => ec2.send(new DeleteSubnetCommand({ SubnetId: entry.id })))) ?? 'deleted';
    case 'vpc':
      return (await undoCall(() => ec2.send(new DeleteVpcCommand({ VpcId: entry.id })))) ?? 'deleted';
    default:
      throw new Error(`undoNetworkEntry cannot undo ${entry.kind}`);
  }
}

async function deleteRouteTable(ec2: EC2Client, routeTableId: string): Promise<RollbackOutcome> {
  const described = await undoCall(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] })));
  if (described) return described;
  const tables = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
  for (const association of tables.RouteTables?.[0]?.Associations ?? []) {
    if (association.Main || !association.RouteTableAssociationId) continue;
    const associationId = association.RouteTableAssociationId;
    await undoCall(() => ec2.send(new DisassociateRouteTableCommand({ AssociationId: associationId })));
  }
  return (await undoCall(() => ec2.send(new DeleteRouteTableCommand({ RouteTableId: routeTableId })))) ?? 'deleted';
}

/** AWS keeps a NAT `deleting` for about a minute; its EIP can be released only once it is `deleted`. */
async function deleteNatGateway(ec2: EC2Client, natGatewayId: string): Promise<RollbackOutcome> {
  const state = await natState(ec2, natGatewayId);
  if (state === undefined || state === 'deleted') return 'already-gone';
  if (state !== 'deleting') await undoCall(() => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natGatewayId })));
  const after = await natState(ec2, natGatewayId);
  if (after !== undefined && after !== 'deleted') throw new StillInUse(`NAT gateway is ${after}`);
  return 'deleted';
}

async function natState(ec2: EC2Client, natGatewayId: string): Promise<string | undefined> {
  try {
    const described = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natGatewayId] }));
    return described.NatGateways?.[0]?.State;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function deleteInternetGateway(ec2: EC2Client, internetGatewayId: string): Promise<RollbackOutcome> {
  let attachments: Array<{ VpcId?: string }>;
  try {
    const described = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [internetGatewayId] }));
    attachments = described.InternetGateways?.[0]?.Attachments ?? [];
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
  for (const { VpcId } of attachments) {
    if (VpcId) await undoCall(() => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId })));
  }
  return (await undoCall(() => ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: internetGatewayId })))) ?? 'deleted';
}
