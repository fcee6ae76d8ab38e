import {
  AssociateRouteTableCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { ec2, lambda, registry, taggedForNetwork } from '../support/lifecycle-fixture';

let runs = 0;
function run(definitionPath: string, input: unknown): Promise<LocalRunResult> {
  runs += 1;
  return runLocally(input, { definitionPath, executionName: `existing-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true });
}

const byId = <T>(items: T[] | undefined, id: (item: T) => string | undefined): T[] => [...(items ?? [])].sort((a, b) => (id(a) ?? '').localeCompare(id(b) ?? ''));

/**
 * A describe of every EC2 resource of the account, as whole objects (routes, associations, rules, tags): what
 * "as it was" compares. NAT gateways and endpoints that are `deleted` are history, not resources.
 */
async function describeEverything(ignoredInterfaces: ReadonlySet<string> = new Set()): Promise<unknown> {
  const [vpcs, subnets, tables, groups, igws, nats, addresses, endpoints, enis] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({})),
    ec2.send(new DescribeSubnetsCommand({})),
    ec2.send(new DescribeRouteTablesCommand({})),
    ec2.send(new DescribeSecurityGroupsCommand({})),
    ec2.send(new DescribeInternetGatewaysCommand({})),
    ec2.send(new DescribeNatGatewaysCommand({})),
    ec2.send(new DescribeAddressesCommand({})),
    ec2.send(new DescribeVpcEndpointsCommand({})),
    ec2.send(new DescribeNetworkInterfacesCommand({})),
  ]);
  return {
    vpcs: byId(vpcs.Vpcs, (vpc) => vpc.VpcId),
    subnets: byId(subnets.Subnets, (subnet) => subnet.SubnetId),
    routeTables: byId(tables.RouteTables, (table) => table.RouteTableId),
    securityGroups: byId(groups.SecurityGroups, (group) => group.GroupId),
    internetGateways: byId(igws.InternetGateways, (igw) => igw.InternetGatewayId),
    natGateways: byId((nats.NatGateways ?? []).filter((nat) => nat.State !== 'deleted'), (nat) => nat.NatGatewayId),
    addresses: byId(addresses.Addresses, (address) => address.AllocationId),
    endpoints: byId((endpoints.VpcEndpoints ?? []).filter((endpoint) => endpoint.State?.toLowerCase() !== 'deleted'), (endpoint) => endpoint.VpcEndpointId),
    networkInterfaces: byId((enis.NetworkInterfaces ?? []).filter((eni) => !ignoredInterfaces.has(eni.NetworkInterfaceId ?? '')), (eni) => eni.NetworkInterfaceId),
  };
}

/**
 * The user's VPC (tagged by its owner, no internet gateway): an isolated subnet in 1a on its own route table
 * (lambda-egress adds its NAT route there and marks the table), one in 1b on the main table, and a security group.
 */
async function userVpc(): Promise<string> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.72.0.0/16' }))).Vpc!.VpcId!;
  await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'team', Value: 'payments' }] }));
  const ownTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  const isolated = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.72.32.0/20', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: ownTable, SubnetId: isolated }));
  await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.72.48.0/20', AvailabilityZone: 'us-east-1b' }));
  await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'payments-db', Description: 'the team database' }));
  return vpcId;
}

describe('existing-VPC mode: provision -> release -> teardown (local runner + real handlers + moto)', () => {
  it("leaves the user's VPC exactly as it was before the first provision: every route, association, rule and tag", async () => {
    // GIVEN the user's VPC and a function, described before lambda-egress touches anything
    const { functionName } = await freshAccountWithFunction();
    const vpcId = await userVpc();
    const first = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const before = await describeEverything();

    // WHEN the function gets egress from that VPC, is released, and the network torn down
    await queueProbeAnswers(passingProbe());
    const provisioned = await provision({ functionName, network: { name: 'theirs', vpcId, natGateways: 'single' } });
    expect([provisioned.status, provisioned.error, provisioned.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect((provisioned.output as ProvisionResult).network.vpcId).toBe(vpcId);
    expect(await describeEverything()).not.toEqual(before);
    // AWS deletes a NAT gateway's own interface with it; moto leaves it behind (EMULATOR.md): not compared.
    const nats = await ec2.send(new DescribeNatGatewaysCommand({}));
    const natInterfaces = new Set((nats.NatGateways ?? []).flatMap((nat) => (nat.NatGatewayAddresses ?? []).map((address) => address.NetworkInterfaceId ?? '')));
    expect(natInterfaces.size).toBeGreaterThan(0);
    const released = await run(RELEASE_DEFINITION_PATH, { functionName });
    expect([released.status, released.error, released.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const tornDown = await run(TEARDOWN_DEFINITION_PATH, { network: 'theirs' });

    // THEN everything is described exactly as before, the user's VPC still there and nothing tagged for the network
    expect([tornDown.status, tornDown.error, tornDown.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await describeEverything(natInterfaces)).toEqual(before);
    expect(await taggedForNetwork('theirs')).toEqual([]);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).VpcConfig?.SubnetIds ?? []).toEqual(first.VpcConfig?.SubnetIds ?? []);
    expect((await readNetwork(await registry(), 'theirs')).record).toBeUndefined();
  });
});
