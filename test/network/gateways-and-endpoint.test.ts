import {
  CreateSecurityGroupCommand,
  CreateVpcEndpointCommand,
  DescribeInternetGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  ModifyVpcEndpointCommand,
} from '@aws-sdk/client-ec2';
import { handler as ensureInternetGateway } from '../../functions/network/ensure-internet-gateway';
import { handler as ensureS3Endpoint } from '../../functions/network/ensure-s3-endpoint';
import { handler as ensureSecurityGroup } from '../../functions/network/ensure-security-group';
import { handler as ensureVpc } from '../../functions/network/ensure-vpc';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { TAG_EXECUTION, tagValue } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { publicOnlyVpc } from '../support/existing-vpcs';
import { execution, runNetworkTasks } from '../support/workflow';

const ec2 = new EC2Client({});

/** Rules count calls from the last reset: clearing first makes the rule hit the very next call of its action. */
async function injectOnNextCall(rule: Parameters<typeof emulator.inject>[0]): Promise<void> {
  await emulator.clearFaults();
  await emulator.inject(rule);
}

/** The state after ValidateRequest and EnsureVpc of a new network: enough for the gateway and group tasks. */
async function stateWithVpc(networkName: string, executionName: string, network: Record<string, unknown> = {}) {
  const { execution: context, request } = await validateRequest({ input: { functionName: 'gw-fn', network: { name: networkName, ...network } }, execution: execution(executionName) });
  const vpc = await ensureVpc({ execution: context, request, network: { audit: { mode: 'create' } } });
  return { execution: context, request, network: { audit: { mode: 'create' as const }, vpc } };
}

describe('EnsureInternetGateway and EnsureSecurityGroup', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('gw-fn');
  });

  afterEach(async () => {
    await emulator.clearFaults();
  });

  it('on a retry after AttachInternetGateway failed, attaches the gateway the first attempt created (no second one)', async () => {
    // GIVEN a new VPC, and an attach that fails once
    const state = await stateWithVpc('igw-retry', 'igw-retry');
    await injectOnNextCall({ service: 'ec2', action: 'AttachInternetGateway', fault: { type: 'error', code: 'InternalError', status: 500 } });
    await emulator.clearCalls();
    // WHEN the task fails and the state machine retries it
    await expect(ensureInternetGateway(state)).rejects.toMatchObject({ name: 'InternalError' });
    const retried = await ensureInternetGateway(state);
    // THEN one gateway was created, it is attached, and it is ledgered with its VPC
    expect(mutatingCalls(await emulator.calls())).toEqual(['CreateInternetGateway', 'AttachInternetGateway', 'AttachInternetGateway']);
    const attached = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [state.network.vpc.vpcId] }] }))).InternetGateways!;
    expect(attached.map((igw) => igw.InternetGatewayId)).toEqual([retried.internetGatewayId]);
    expect(retried.ledger.map((entry) => [entry.kind, entry.id, entry.detail])).toEqual([['internet-gateway', retried.internetGatewayId, { vpcId: state.network.vpc.vpcId }]]);
  });

  it('makes an egress-only security group: no inbound rule, all outbound to 0.0.0.0/0 and ::/0 with IPv6, tagged', async () => {
    const state = await stateWithVpc('sg-v6', 'sg-v6', { ipv6: true });
    const slice = await ensureSecurityGroup(state);
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [slice.groupId] }))).SecurityGroups![0]!;
    expect(group.IpPermissions ?? []).toEqual([]);
    const egress = group.IpPermissionsEgress ?? [];
    expect(egress.every((rule) => rule.IpProtocol === '-1')).toBe(true);
    expect(egress.flatMap((rule) => (rule.IpRanges ?? []).map((range) => range.CidrIp))).toEqual(['0.0.0.0/0']);
    expect(egress.flatMap((rule) => (rule.Ipv6Ranges ?? []).map((range) => range.CidrIpv6))).toEqual(['::/0']);
    expect(tagValue(group.Tags, TAG_EXECUTION)).toBe(state.execution.id);
    expect(slice.ledger.map((entry) => [entry.kind, entry.id])).toEqual([['security-group', slice.groupId]]);
  });

  it('fails NetworkNotRepairable when a group of the same name exists without lambda-egress tags, and leaves it alone', async () => {
    // GIVEN someone's own group named like lambda-egress's in the network VPC
    const state = await stateWithVpc('taken', 'taken');
    await ec2.send(new CreateSecurityGroupCommand({ VpcId: state.network.vpc.vpcId, GroupName: 'lambda-egress-taken-egress', Description: 'not lambda-egress' }));
    // WHEN the task runs
    // THEN it refuses to use it, saying what to do
    await expect(ensureSecurityGroup(state)).rejects.toMatchObject({ name: 'NetworkNotRepairable', message: expect.stringContaining('already exists in') });
  });
});

describe('EnsureS3Endpoint', () => {
  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('gw-fn');
  });

  it('puts back a private route table missing from its own endpoint, and nothing else', async () => {
    // GIVEN a network whose endpoint lost one of its private route tables
    const run = await runNetworkTasks({ functionName: 'gw-fn', network: { name: 'endpoint' } }, 'endpoint');
    const endpointId = run.network.s3Endpoint.vpcEndpointId!;
    const [lost] = run.network.routeTables.privateRouteTables;
    await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: endpointId, RemoveRouteTableIds: [lost!.routeTableId] }));
    await emulator.clearCalls();
    // WHEN a later execution ensures the endpoint
    const slice = await ensureS3Endpoint({ ...run, execution: execution('endpoint-later') });
    // THEN the table is added back to the same endpoint, which is not ledgered by that execution
    expect(mutatingCalls(await emulator.calls())).toEqual(['ModifyVpcEndpoint']);
    expect(slice).toMatchObject({ vpcEndpointId: endpointId, ledger: [] });
    const endpoint = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [endpointId] }))).VpcEndpoints![0]!;
    expect([...(endpoint.RouteTableIds ?? [])].sort()).toEqual(run.network.routeTables.privateRouteTables.map((table) => table.routeTableId).sort());
  });

  it('uses an S3 endpoint the user already has, without adding lambda-egress\'s route tables to it', async () => {
    // GIVEN an existing VPC with public subnets only and the user's own S3 gateway endpoint on its public table
    const vpc = await publicOnlyVpc(ec2, 41);
    const users = await ec2.send(
      new CreateVpcEndpointCommand({ VpcId: vpc.vpcId, VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [vpc.publicRouteTableId!] }),
    );
    // WHEN the network tasks run
    const run = await runNetworkTasks({ functionName: 'gw-fn', network: { vpcId: vpc.vpcId } }, 'users-endpoint');
    // THEN the slice names the user's endpoint, nothing about it changed, and it is not in the ledger
    const endpointId = users.VpcEndpoint!.VpcEndpointId!;
    expect(run.network.s3Endpoint).toMatchObject({ vpcEndpointId: endpointId, ledger: [], skipped: expect.stringContaining('not created by lambda-egress') });
    const endpoint = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [endpointId] }))).VpcEndpoints![0]!;
    expect(endpoint.RouteTableIds).toEqual([vpc.publicRouteTableId]);
    expect(run.ledger.map((entry) => entry.kind)).not.toContain('vpc-endpoint');
  });
});
