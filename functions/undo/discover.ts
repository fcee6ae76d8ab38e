import {
  DescribeAddressesCommand,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcs,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { ListTagsCommand, paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import { readBlockPublicAccess } from '../network/block-public-access';
import { routeDestination, routeTarget } from '../network/route-tables';
import { ledgerEntry } from '../shared/ledger';
import { createdBy, PROBE_FUNCTION_PREFIX, TAG_EXECUTION } from '../shared/tags';
import { allPages } from '../shared/paginate';
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

  const vpcs = await allPages(paginateDescribeVpcs({ client: ec2 }, { Filters: byTag }), (page) => page.Vpcs);
  for (const vpc of vpcs) if (vpc.VpcId && ours(vpc.Tags)) found.push(ledgerEntry('vpc', vpc.VpcId));

  const subnets = await allPages(paginateDescribeSubnets({ client: ec2 }, { Filters: byTag }), (page) => page.Subnets);
  for (const subnet of subnets) {
    if (subnet.SubnetId && ours(subnet.Tags)) found.push(ledgerEntry('subnet', subnet.SubnetId, { ...(subnet.AvailabilityZone ? { az: subnet.AvailabilityZone } : {}) }));
  }

  const igws = await allPages(paginateDescribeInternetGateways({ client: ec2 }, { Filters: byTag }), (page) => page.InternetGateways);
  for (const igw of igws) {
    if (!igw.InternetGatewayId || !ours(igw.Tags)) continue;
    const vpcId = igw.Attachments?.[0]?.VpcId;
    found.push(ledgerEntry('internet-gateway', igw.InternetGatewayId, vpcId ? { detail: { vpcId } } : {}));
  }

  const eigws = await allPages(paginateDescribeEgressOnlyInternetGateways({ client: ec2 }, {}), (page) => page.EgressOnlyInternetGateways);
  for (const eigw of eigws) {
    if (eigw.EgressOnlyInternetGatewayId && ours(eigw.Tags)) found.push(ledgerEntry('egress-only-internet-gateway', eigw.EgressOnlyInternetGatewayId));
  }

  const nats = await allPages(paginateDescribeNatGateways({ client: ec2 }, {}), (page) => page.NatGateways);
  for (const nat of nats) {
    if (!nat.NatGatewayId || !ours(nat.Tags) || nat.State === 'deleted') continue;
    found.push(ledgerEntry('nat-gateway', nat.NatGatewayId));
  }

  const addresses = await ec2.send(new DescribeAddressesCommand({ Filters: byTag }));
  for (const address of addresses.Addresses ?? []) {
    if (address.AllocationId && ours(address.Tags)) found.push(ledgerEntry('elastic-ip', address.AllocationId));
  }

  const routeTables = await allPages(paginateDescribeRouteTables({ client: ec2 }, { Filters: byTag }), (page) => page.RouteTables);
  for (const table of routeTables) {
    if (table.RouteTableId && ours(table.Tags)) found.push(ledgerEntry('route-table', table.RouteTableId));
  }

  const endpoints = await allPages(paginateDescribeVpcEndpoints({ client: ec2 }, { Filters: byTag }), (page) => page.VpcEndpoints);
  for (const endpoint of endpoints) {
    const gone = endpoint.State?.toLowerCase() === 'deleted';
    if (endpoint.VpcEndpointId && ours(endpoint.Tags) && !gone) found.push(ledgerEntry('vpc-endpoint', endpoint.VpcEndpointId));
  }

  const groups = await allPages(paginateDescribeSecurityGroups({ client: ec2 }, { Filters: byTag }), (page) => page.SecurityGroups);
  for (const group of groups) if (group.GroupId && ours(group.Tags)) found.push(ledgerEntry('security-group', group.GroupId));

  // network.blockPublicAccessExclusion: read only when BPA is on (readBlockPublicAccess lists no exclusions otherwise).
  const bpa = await readBlockPublicAccess(ec2);
  for (const exclusion of bpa?.exclusions ?? []) {
    if (exclusion.ExclusionId && ours(exclusion.Tags)) found.push(ledgerEntry('bpa-exclusion', exclusion.ExclusionId));
  }

  found.push(...(await discoverProbeFunctions(lambda, executionId)));
  return found;
}

async function discoverProbeFunctions(lambda: LambdaClient, executionId: string): Promise<LedgerEntry[]> {
  const found: LedgerEntry[] = [];
  for await (const page of paginateListFunctions({ client: lambda }, {})) {
    for (const fn of page.Functions ?? []) {
      if (!fn.FunctionName?.startsWith(PROBE_FUNCTION_PREFIX) || !fn.FunctionArn) continue;
      const tags = await lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn }));
      if (tags.Tags?.[TAG_EXECUTION] === executionId) found.push(ledgerEntry('probe-function', fn.FunctionName));
    }
  }
  return found;
}

/**
 * Routes this execution added to route tables it did not create (existing-VPC mode) carry no tag: they are
 * recognised by their target, a gateway this execution created.
 */
export async function discoverRoutesToCreatedGateways(ec2: EC2Client, targets: ReadonlySet<string>, skipTables: ReadonlySet<string>): Promise<LedgerEntry[]> {
  if (targets.size === 0) return [];
  const tables = await allPages(paginateDescribeRouteTables({ client: ec2 }, {}), (page) => page.RouteTables);
  const found: LedgerEntry[] = [];
  for (const table of tables) {
    if (!table.RouteTableId || skipTables.has(table.RouteTableId)) continue;
    for (const route of table.Routes ?? []) {
      const destination = routeDestination(route);
      if (destination && targets.has(routeTarget(route))) {
        found.push(ledgerEntry('route', `${table.RouteTableId}:${destination}`, { detail: { routeTableId: table.RouteTableId, destination } }));
      }
    }
  }
  return found;
}
