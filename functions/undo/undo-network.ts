import {
  CreateTagsCommand,
  DeleteEgressOnlyInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ReleaseAddressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { AWS_THROTTLING_ERRORS, awsErrorName, isNotFound } from '../shared/errors';
import { addedRoutes, isManaged, markValue, TAG_ADDED_ROUTES } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import { StillInUse } from './still-in-use';
import type { RollbackOutcome } from './types';
import { undoCall } from './undo-call';

export { StillInUse };

/** Throttling and transient service errors: the step is tried again later, like a resource still in use. */
const TRANSIENT_ERRORS = new Set<string>([
  ...AWS_THROTTLING_ERRORS,
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'ServiceException',
]);

/** Whether an error thrown by an undo step means "come back later" rather than "this step cannot be done". */
export function isRetryLater(error: unknown): boolean {
  return error instanceof StillInUse || TRANSIENT_ERRORS.has(awsErrorName(error) ?? '');
}

export async function undoNetworkEntry(ec2: EC2Client, entry: LedgerEntry): Promise<RollbackOutcome> {
  const detail = entry.detail ?? {};
  switch (entry.kind) {
    case 'vpc-endpoint':
      return (await undoCall(() => ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [entry.id] })))) ?? 'deleted';
    case 'route': {
      const routeTableId = detail.routeTableId ?? entry.id.split(':')[0] ?? '';
      const destination = detail.destination ?? entry.id.slice(entry.id.indexOf(':') + 1);
      return deleteRoute(ec2, routeTableId, destination);
    }
    case 'route-table-association':
      return (await undoCall(() => ec2.send(new DisassociateRouteTableCommand({ AssociationId: entry.id })))) ?? 'deleted';
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

/**
 * A route lambda-egress added. In a table it did not create, the table's mark (TAG_ADDED_ROUTES) is what IAM
 * lets the Rollback role delete routes by; once the last route it lists is gone, the mark goes too.
 */
async function deleteRoute(ec2: EC2Client, routeTableId: string, destination: string): Promise<RollbackOutcome> {
  let tags;
  try {
    tags = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }))).RouteTables?.[0]?.Tags;
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
  const ipv6 = destination.includes(':');
  const outcome =
    (await undoCall(() =>
      ec2.send(new DeleteRouteCommand({ RouteTableId: routeTableId, ...(ipv6 ? { DestinationIpv6CidrBlock: destination } : { DestinationCidrBlock: destination }) })),
    )) ?? 'deleted';
  const marked = addedRoutes(tags);
  if (!isManaged(tags) && marked.includes(destination)) {
    const rest = markValue(marked, { remove: destination });
    await undoCall(() =>
      rest
        ? ec2.send(new CreateTagsCommand({ Resources: [routeTableId], Tags: [{ Key: TAG_ADDED_ROUTES, Value: rest }] }))
        : ec2.send(new DeleteTagsCommand({ Resources: [routeTableId], Tags: [{ Key: TAG_ADDED_ROUTES }] })),
    );
  }
  return outcome;
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
