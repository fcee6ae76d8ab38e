import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  EC2Client,
  type ResourceType,
} from '@aws-sdk/client-ec2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AttachRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { rollback } from '../../functions/rollback/rollback';
import { VPC_ACCESS_POLICY_ARN } from '../../functions/function/vpc-access-policy';
import type { OriginalFunctionRecord } from '../../functions/undo/types';
import { ledgerEntry } from '../../functions/shared/ledger';
import { tagSpecifications } from '../../functions/shared/tags';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildTaggedNetwork, resourcesTaggedWith } from '../support/tagged-network';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});
const clients = { ec2, iam, lambda, cloudwatch: new CloudWatchClient({}), autoscaling: new AutoScalingClient({}), ssm: new SSMClient({}) };
const execution = (name: string) => ({ id: `arn:aws:states:us-east-1:000000000000:execution:lambda-egress-provision:${name}`, name });

async function attachedFunction(name: string, network: { privateSubnetId: string; securityGroupId: string }): Promise<OriginalFunctionRecord> {
  const fn = await createSampleFunction(name);
  const roleName = `${name}-role`;
  const original: OriginalFunctionRecord = {
    functionArn: fn.FunctionArn!,
    functionName: name,
    roleName,
    vpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false },
    vpcAccessPolicyAttached: false,
  };
  // what AttachFunction does
  await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: VPC_ACCESS_POLICY_ARN }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, VpcConfig: { SubnetIds: [network.privateSubnetId], SecurityGroupIds: [network.securityGroupId] } }));
  return original;
}

describe('Rollback', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('removes everything tagged with the execution — with an empty ledger — restores the function and detaches the policy it attached', async () => {
    // GIVEN a whole network tagged with exec-a (as if every task's slice was lost in a failed Parallel branch)
    const exec = execution('exec-a');
    const network = await buildTaggedNetwork(ec2, exec.id);
    const original = await attachedFunction('fn-a', network);
    // and someone else's VPC, and another execution's network
    const theirs = await ec2.send(new CreateVpcCommand({ CidrBlock: '192.168.0.0/16' }));
    const other = await buildTaggedNetwork(ec2, execution('exec-b').id, '10.30.0.0/16');

    // WHEN rollback runs with only the record of the function
    const report = await rollback(clients, { execution: exec, function: { original }, error: { Error: 'ProbeFailed', Cause: '{}' } });

    // THEN nothing tagged with exec-a is left
    expect(await resourcesTaggedWith(ec2, exec.id)).toEqual([]);
    // the function is back outside any VPC, and the role without the policy
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn-a' }));
    expect(fn.VpcConfig?.SubnetIds ?? []).toEqual([]);
    const policies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'fn-a-role' }));
    expect(policies.AttachedPolicies?.map((p) => p.PolicyArn)).not.toContain(VPC_ACCESS_POLICY_ARN);
    // other people's resources are untouched
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    const vpcIds = vpcs.Vpcs?.map((v) => v.VpcId);
    expect(vpcIds).toEqual(expect.arrayContaining([theirs.Vpc!.VpcId, other.vpcId]));
    expect((await resourcesTaggedWith(ec2, execution('exec-b').id)).length).toBeGreaterThanOrEqual(10);
    // and the report is in dependency order: function first, VPC after its parts, policy last
    const kinds = report.steps.map((step) => step.kind);
    expect(kinds[0]).toBe('function-vpc-config');
    expect(kinds.at(-1)).toBe('iam-policy-attachment');
    expect(kinds.indexOf('nat-gateway')).toBeLessThan(kinds.indexOf('elastic-ip'));
    expect(kinds.indexOf('subnet')).toBeLessThan(kinds.indexOf('vpc'));
    expect(report.originalError?.Error).toBe('ProbeFailed');
  });

  it('is idempotent: a second run finds everything already gone and changes nothing', async () => {
    const exec = execution('exec-c');
    const network = await buildTaggedNetwork(ec2, exec.id);
    const original = await attachedFunction('fn-c', network);
    const ledger = [ledgerEntry('vpc', network.vpcId), ledgerEntry('subnet', network.privateSubnetId)];
    await rollback(clients, { execution: exec, function: { original }, network: { vpc: { ledger } } });
    await emulator.clearCalls();

    const again = await rollback(clients, { execution: exec, function: { original }, network: { vpc: { ledger } } });

    const outcomes = new Set(again.steps.map((step) => step.outcome));
    expect([...outcomes].every((outcome) => ['already-gone', 'unchanged'].includes(outcome))).toBe(true);
    // the ledgered ids are tried again, and AWS answers "not found" to each: nothing changed
    const mutating = (await emulator.calls()).filter((call) => !/^(Describe|List|Get)/.test(call.action));
    expect(mutating.every((call) => call.status >= 400)).toBe(true);
  });

  it('keeps the VPC access policy when the role had it before the execution', async () => {
    const exec = execution('exec-d');
    const network = await buildTaggedNetwork(ec2, exec.id);
    const original = { ...(await attachedFunction('fn-d', network)), vpcAccessPolicyAttached: true };
    await rollback(clients, { execution: exec, function: { original } });
    const policies = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'fn-d-role' }));
    expect(policies.AttachedPolicies?.map((p) => p.PolicyArn)).toContain(VPC_ACCESS_POLICY_ARN);
  });

  it('removes a route it added to a route table it did not create, and leaves that table, its other routes and the VPC alone', async () => {
    // GIVEN the user's VPC and route table (untagged) with the user's own route to a transit gateway,
    const exec = execution('exec-e');
    const userVpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
    const vpcId = userVpc.Vpc!.VpcId!;
    const tgw = await ec2.send(new CreateTransitGatewayCommand({}));
    const userTable = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
    const userTableId = userTable.RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: userTableId, DestinationCidrBlock: '172.16.0.0/12', TransitGatewayId: tgw.TransitGateway!.TransitGatewayId! }));
    // and what the execution added there: a public subnet, an EIP + NAT, and 0.0.0.0/0 -> that NAT in the user's table
    const tags = (type: ResourceType) => tagSpecifications(type, { networkName: 'n', executionId: exec.id, role: 'r' });
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24', TagSpecifications: tags('subnet') }));
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tags('elastic-ip') }));
    const nat = await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnet.Subnet!.SubnetId!, AllocationId: eip.AllocationId!, TagSpecifications: tags('natgateway') }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: userTableId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.NatGateway!.NatGatewayId! }));

    // WHEN rollback runs with an empty ledger
    await rollback(clients, { execution: exec });

    // THEN the user's table keeps exactly its own route, and the VPC is still there
    const tables = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [userTableId] }));
    const destinations = tables.RouteTables![0]!.Routes!.map((route) => route.DestinationCidrBlock);
    expect(destinations).toEqual(expect.arrayContaining(['10.40.0.0/16', '172.16.0.0/12']));
    expect(destinations).not.toContain('0.0.0.0/0');
    expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs).toHaveLength(1);
    expect(await resourcesTaggedWith(ec2, exec.id)).toEqual([]);
  });

  it('fails ResourceStillInUse while a NAT gateway is still deleting (state injected), without releasing its EIP, then finishes on the next run', async () => {
    const exec = execution('exec-f');
    const network = await buildTaggedNetwork(ec2, exec.id);
    await emulator.inject({
      service: 'ec2',
      action: 'DescribeNatGateways',
      nth: 2,
      times: 2,
      fault: { type: 'rewrite', replacements: [{ pattern: '<state>(available|deleted)</state>', replacement: '<state>deleting</state>' }] },
    });

    const first = rollback(clients, { execution: exec });

    await expect(first).rejects.toMatchObject({ name: 'ResourceStillInUse', message: expect.stringMatching(/nat-gateway .*NAT gateway is deleting/) });
    await expect(first).rejects.toMatchObject({ message: expect.stringContaining(`elastic-ip ${network.allocationId} (waits for nat-gateway ${network.natGatewayId}`) });
    expect((await emulator.calls()).map((call) => call.action)).not.toContain('ReleaseAddress');

    await rollback(clients, { execution: exec });
    expect(await resourcesTaggedWith(ec2, exec.id)).toEqual([]);
  });

  it('fails ResourceStillInUse naming the subnet when AWS answers DependencyViolation (Lambda ENIs still there)', async () => {
    const exec = execution('exec-g');
    const network = await buildTaggedNetwork(ec2, exec.id);
    await emulator.inject({ service: 'ec2', action: 'DeleteSubnet', fault: { type: 'error', code: 'DependencyViolation', status: 400, message: 'The subnet has dependencies and cannot be deleted.' } });
    await expect(rollback(clients, { execution: exec })).rejects.toMatchObject({
      name: 'ResourceStillInUse',
      message: expect.stringMatching(new RegExp(`subnet (${network.privateSubnetId}|${network.publicSubnetId}) \\(DependencyViolation`)),
    });
  });
});
