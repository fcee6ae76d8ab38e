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
  DeleteVpcBlockPublicAccessExclusionCommand,
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
import { isTransientAwsError, undefinedWhenNotFound } from '../shared/errors';
import { addedRoutes, isManaged, markValue, TAG_ADDED_ROUTES } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import { StillInUse } from './still-in-use';
import type { RollbackOutcome } from './types';
import { withConfirmedNotFound } from './confirm-gone';
import { attemptUndo, EC2_UNDO_ERRORS, undoCall, type UndoErrorMeaning } from './undo-call';

export { StillInUse };

/** Whether an error thrown by an undo step means "come back later" (in use, throttled, transient) rather than "this step cannot be done". */
export function isRetryLater(error: unknown): boolean {
  return error instanceof StillInUse || isTransientAwsError(error);
}

/** A NotFound is believed only when confirmed (confirm-gone.ts): right after a create it means "not yet visible". */
export async function undoNetworkEntry(ec2: EC2Client, entry: LedgerEntry): Promise<RollbackOutcome> {
  return withConfirmedNotFound(entry, () => (entry.kind === 'nat-gateway' ? deleteNatGateway(ec2, entry.id) : undoNetworkCalls(ec2, entry)));
}

async function undoNetworkCalls(ec2: EC2Client, entry: LedgerEntry): Promise<RollbackOutcome> {
  const detail = entry.detail ?? {};
  switch (entry.kind) {
    case 'vpc-endpoint':
      return deleteVpcEndpoint(ec2, entry.id);
    case 'route': {
      const routeTableId = detail.routeTableId ?? entry.id.split(':')[0] ?? '';
      const destination = detail.destination ?? entry.id.slice(entry.id.indexOf(':') + 1);
      return deleteRoute(ec2, routeTableId, destination);
    }
    case 'route-table-association':
      return undoCall(() => ec2.send(new DisassociateRouteTableCommand({ AssociationId: entry.id })));
    case 'route-table':
      return deleteRouteTable(ec2, entry.id);
    case 'elastic-ip':
      return undoCall(() => ec2.send(new ReleaseAddressCommand({ AllocationId: entry.id })), RELEASE_ADDRESS_ERRORS);
    case 'internet-gateway':
      return deleteInternetGateway(ec2, entry.id);
    case 'egress-only-internet-gateway':
      return undoCall(() => ec2.send(new DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: entry.id })));
    case 'security-group':
      return undoCall(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: entry.id })));
    case 'subnet':
      return undoCall(() => ec2.send(new DeleteSubnetCommand({ SubnetId: entry.id })));
    case 'vpc':
      return undoCall(() => ec2.send(new DeleteVpcCommand({ VpcId: entry.id })));
    case 'bpa-exclusion':
      // InvalidVpcBlockPublicAccessExclusionId.NotFound counts as gone (undoCall's NotFound).
      return undoCall(() => ec2.send(new DeleteVpcBlockPublicAccessExclusionCommand({ ExclusionId: entry.id })));
    default:
      throw new Error(`undoNetworkEntry cannot undo ${entry.kind}`);
  }
}

/**
 * A route lambda-egress added. In a table it did not create, the table's mark (TAG_ADDED_ROUTES) is what IAM
 * lets the Rollback role delete routes by; once the last route it lists is gone, the mark goes too.
 */
async function deleteRoute(ec2: EC2Client, routeTableId: string, destination: string): Promise<RollbackOutcome> {
  const described = await attemptUndo(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] })));
  if (described.kind === 'already-gone') return 'already-gone';
  const tags = described.answer.RouteTables?.[0]?.Tags;
  const ipv6 = destination.includes(':');
  const outcome = await undoCall(() =>
    ec2.send(new DeleteRouteCommand({ RouteTableId: routeTableId, ...(ipv6 ? { DestinationIpv6CidrBlock: destination } : { DestinationCidrBlock: destination }) })),
  );
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
  const described = await attemptUndo(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] })));
  if (described.kind === 'already-gone') return 'already-gone';
  for (const association of described.answer.RouteTables?.[0]?.Associations ?? []) {
    if (association.Main || !association.RouteTableAssociationId) continue;
    const associationId = association.RouteTableAssociationId;
    await undoCall(() => ec2.send(new DisassociateRouteTableCommand({ AssociationId: associationId })));
  }
  return undoCall(() => ec2.send(new DeleteRouteTableCommand({ RouteTableId: routeTableId })));
}

/** AWS keeps a NAT `deleting` for about a minute; its EIP can be released only once it is `deleted`. */
async function deleteNatGateway(ec2: EC2Client, natGatewayId: string): Promise<RollbackOutcome> {
  const state = await natState(ec2, natGatewayId);
  // `deleted` is AWS's own word that it is gone: not a NotFound to confirm.
  if (state === 'deleted') return 'deleted';
  if (state === undefined) return 'already-gone';
  if (state !== 'deleting') await undoCall(() => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natGatewayId })));
  const after = await natState(ec2, natGatewayId);
  if (after !== undefined && after !== 'deleted') throw new StillInUse(`NAT gateway is ${after}`);
  return 'deleted';
}

async function natState(ec2: EC2Client, natGatewayId: string): Promise<string | undefined> {
  const described = await undefinedWhenNotFound(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natGatewayId] })));
  return described?.NatGateways?.[0]?.State;
}

async function deleteInternetGateway(ec2: EC2Client, internetGatewayId: string): Promise<RollbackOutcome> {
  const described = await attemptUndo(() => ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [internetGatewayId] })));
  if (described.kind === 'already-gone') return 'already-gone';
  for (const { VpcId } of described.answer.InternetGateways?.[0]?.Attachments ?? []) {
    if (VpcId) await undoCall(() => ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId })));
  }
  return undoCall(() => ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: internetGatewayId })));
}

/**
 * ReleaseAddress answers AuthFailure for a while after the NAT gateway that held the address is deleted
 * (kubernetes/kops#938, #1604): the address is not free yet, so the step waits, as for an address still in use.
 */
const RELEASE_ADDRESS_ERRORS: UndoErrorMeaning = { ...EC2_UNDO_ERRORS, inUse: new Set([...EC2_UNDO_ERRORS.inUse, 'AuthFailure']) };

/**
 * DeleteVpcEndpoints reports a refusal in `Unsuccessful[]` and answers 200
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html): an endpoint listed there
 * was not deleted. Its NotFound is "already gone" (judged by confirmGone), anything else fails the step.
 */
async function deleteVpcEndpoint(ec2: EC2Client, endpointId: string): Promise<RollbackOutcome> {
  let unsuccessful;
  try {
    unsuccessful = (await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [endpointId] }))).Unsuccessful ?? [];
  } catch (error) {
    return undoCall(() => Promise.reject(error));
  }
  const refusal = unsuccessful.find((item) => item.ResourceId === endpointId) ?? unsuccessful[0];
  if (!refusal) return 'deleted';
  const code = refusal.Error?.Code ?? 'Unknown';
  if (/NotFound/.test(code)) return 'already-gone';
  const error = new Error(`DeleteVpcEndpoints left ${endpointId} (Unsuccessful): ${refusal.Error?.Message ?? 'no message'}`);
  error.name = code;
  return undoCall(() => Promise.reject(error));
}
