import {
  DescribeAddressesCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { ListFunctionsCommand, ListTagsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ledgerEntry } from '../shared/ledger';
import { createdBy, PROBE_FUNCTION_PREFIX, TAG_EXECUTION } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';


/**
 * Everything in the account tagged `lambda-egress:execution = <id>`: what a task created before it failed
 * (its slice never reached the state) is found here. Tags are re-checked client-side because moto ignores
 * tag filters on some calls.
 */
export async function discoverCreatedResources(ec2: EC2Client, lambda: LambdaClient, executionId: string): Promise<LedgerEntry[]> {
  const byTag: Filter[] = [{ Name: `tag:${TAG_EXECUTION}`, Values: [executionId] }];
  const ours = (tags: Parameters<typeof createdBy>[0]): boolean => createdBy(tags, executionId);
  const found: LedgerEntry[] = [];

  const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: byTag }));
  for (const vpc of vpcs.Vpcs ?? []) if (vpc.VpcId && ours(vpc.Tags)) found.push(ledgerEntry('vpc', vpc.VpcId));

  const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: byTag }));
  for (const subnet of subnets.Subnets ?? []) {
    if (subnet.SubnetId && ours(subnet.Tags)) found.push(ledgerEntry('subnet', subnet.SubnetId, { ...(subnet.AvailabilityZone ? { az: subnet.AvailabilityZone } : {}) }));
  }

  const igws = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: byTag }));
  for (const igw of igws.InternetGateways ?? []) {
    if (!igw.InternetGatewayId || !ours(igw.Tags)) continue;
    const vpcId = igw.Attachments?.[0]?.VpcId;
    found.push(ledgerEntry('internet-gateway', igw.InternetGatewayId, vpcId ? { detail: { vpcId } } : {}));
  }

  const eigws = await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({}));
  for (const eigw of eigws.EgressOnlyInternetGateways ?? []) {
    if (eigw.EgressOnlyInternetGatewayId && ours(eigw.Tags)) found.push(ledgerEntry('egress-only-internet-gateway', eigw.EgressOnlyInternetGatewayId));
  }

  const nats = await ec2.send(new DescribeNatGatewaysCommand({}));
  for (const nat of nats.NatGateways ?? []) {
    if (!nat.NatGatewayId || !ours(nat.Tags) || nat.State === 'deleted') continue;
    found.push(ledgerEntry('nat-gateway', nat.NatGatewayId));
  }

  const addresses = await ec2.send(new DescribeAddressesCommand({ Filters: byTag }));
  for (const address of addresses.Addresses ?? []) {
    if (address.AllocationId && ours(address.Tags)) found.push(ledgerEntry('elastic-ip', address.AllocationId));
  }

  const routeTables = await ec2.send(new DescribeRouteTablesCommand({ Filters: byTag }));
  for (const table of routeTables.RouteTables ?? []) {
    if (table.RouteTableId && ours(table.Tags)) found.push(ledgerEntry('route-table', table.RouteTableId));
  }

  const endpoints = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: byTag }));
  for (const endpoint of endpoints.VpcEndpoints ?? []) {
    const gone = endpoint.State?.toLowerCase() === 'deleted';
    if (endpoint.VpcEndpointId && ours(endpoint.Tags) && !gone) found.push(ledgerEntry('vpc-endpoint', endpoint.VpcEndpointId));
  }

  const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byTag }));
  for (const group of groups.SecurityGroups ?? []) if (group.GroupId && ours(group.Tags)) found.push(ledgerEntry('security-group', group.GroupId));

  found.push(...(await discoverProbeFunctions(lambda, executionId)));
  return found;
}

async function discoverProbeFunctions(lambda: LambdaClient, executionId: string): Promise<LedgerEntry[]> {
  const found: LedgerEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }));
    for (const fn of page.Functions ?? []) {
      if (!fn.FunctionName?.startsWith(PROBE_FUNCTION_PREFIX) || !fn.FunctionArn) continue;
      const tags = await lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn }));
      if (tags.Tags?.[TAG_EXECUTION] === executionId) found.push(ledgerEntry('probe-function', fn.FunctionName));
    }
    marker = page.NextMarker;
  } while (marker);
  return found;
}

/**
 * Routes this execution added to route tables it did not create (existing-VPC mode) carry no tag: they are
 * recognised by their target, a gateway this execution created.
 */
export async function discoverRoutesToCreatedGateways(ec2: EC2Client, targets: ReadonlySet<string>, skipTables: ReadonlySet<string>): Promise<LedgerEntry[]> {
  if (targets.size === 0) return [];
  const tables = await ec2.send(new DescribeRouteTablesCommand({}));
  const found: LedgerEntry[] = [];
  for (const table of tables.RouteTables ?? []) {
    if (!table.RouteTableId || skipTables.has(table.RouteTableId)) continue;
    for (const route of table.Routes ?? []) {
      const target = route.NatGatewayId ?? route.GatewayId ?? route.EgressOnlyInternetGatewayId;
      const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
      if (target && destination && targets.has(target)) {
        found.push(ledgerEntry('route', `${table.RouteTableId}:${destination}`, { detail: { routeTableId: table.RouteTableId, destination } }));
      }
    }
  }
  return found;
}
