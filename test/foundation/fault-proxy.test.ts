import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DetachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { ensureEniCleanupRole } from '../../local/eni-cleanup-role';
import { eniCleanupFromEnvironment } from '../../functions/undo/eni-cleanup-session';

describe('fault proxy between the real SDK v3 clients and moto', () => {
  const ec2 = new EC2Client({});
  const iam = new IAMClient({});
  const lambda = new LambdaClient({});

  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('fails the first EC2 CreateVpc with RequestLimitExceeded, parsed by the SDK as that name, then lets the next through', async () => {
    // GIVEN a throttling fault on the first CreateVpc
    await emulator.inject({ service: 'ec2', action: 'CreateVpc', fault: { type: 'error', code: 'RequestLimitExceeded', status: 503 } });
    // WHEN the SDK calls twice
    const first = ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    // THEN the first is the named exception with its HTTP status, and the second creates a VPC
    await expect(first).rejects.toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    const second = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    expect(second.Vpc?.VpcId).toMatch(/^vpc-/);
  });

  it('fails only the Nth call: the 2nd CreateNatGateway is refused with InsufficientAddressCapacity, the 1st and 3rd go through', async () => {
    // GIVEN a real subnet and EIPs, and a fault on the 2nd CreateNatGateway only
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.2.0.0/24' }))).Subnet!.SubnetId!;
    const natIn = async () => {
      const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
      return ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }));
    };
    await emulator.inject({ service: 'ec2', action: 'CreateNatGateway', nth: 2, fault: { type: 'error', code: 'InsufficientAddressCapacity', status: 400 } });
    // WHEN three NAT gateways are asked for
    const first = await natIn();
    const second = natIn();
    // THEN the 2nd alone is the injected, named error (moto itself would have created it), the others real NATs
    await expect(second).rejects.toMatchObject({ name: 'InsufficientAddressCapacity', $metadata: { httpStatusCode: 400 } });
    const third = await natIn();
    expect([first.NatGateway?.NatGatewayId, third.NatGateway?.NatGatewayId]).toEqual([expect.stringMatching(/^nat-/), expect.stringMatching(/^nat-/)]);
    const nats = (await emulator.calls()).filter((call) => call.action === 'CreateNatGateway');
    expect(nats.map((call) => call.injected ?? call.status)).toEqual([200, 'error', 200]);
  });

  it('fails Lambda UpdateFunctionConfiguration with TooManyRequestsException as the named exception', async () => {
    const fn = await createSampleFunction('throttled-fn');
    await emulator.inject({
      service: 'lambda',
      action: 'UpdateFunctionConfiguration',
      fault: { type: 'error', code: 'TooManyRequestsException', status: 429, message: 'Rate exceeded' },
    });
    const update = lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn.FunctionName, Timeout: 10 }));
    await expect(update).rejects.toMatchObject({ name: 'TooManyRequestsException', message: 'Rate exceeded' });
  });

  it('fails IAM DetachRolePolicy with NoSuchEntity, which the SDK names NoSuchEntityException', async () => {
    await emulator.inject({ service: 'iam', action: 'DetachRolePolicy', fault: { type: 'error', code: 'NoSuchEntity', status: 404 } });
    const detach = iam.send(new DetachRolePolicyCommand({ RoleName: 'any', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }));
    await expect(detach).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('answers a read with an injected state: Lambda LastUpdateStatus InProgress', async () => {
    const fn = await createSampleFunction('updating-fn');
    await emulator.inject({
      service: 'lambda',
      action: 'GetFunctionConfiguration',
      fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] },
    });
    const injected = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.FunctionName }));
    const real = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.FunctionName }));
    expect(injected.LastUpdateStatus).toBe('InProgress');
    expect(real.LastUpdateStatus).toBe('Successful');
  });

  it('delays a call by the given time', async () => {
    await emulator.inject({ service: 'ec2', action: 'DescribeVpcs', fault: { type: 'delay', ms: 300 } });
    const started = Date.now();
    await ec2.send(new DescribeVpcsCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('keeps accounts apart: a fresh account does not see the VPCs of the previous one', async () => {
    const created = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    await emulator.freshAccount();
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs?.map((vpc) => vpc.VpcId)).not.toContain(created.Vpc?.VpcId);
  });

  it('logs every call with its service, action and status, marking injected ones', async () => {
    await emulator.inject({ service: 'ec2', action: 'DescribeNatGateways', fault: { type: 'error', code: 'Throttling', status: 400 } });
    await expect(ec2.send(new DescribeNatGatewaysCommand({}))).rejects.toMatchObject({ name: 'Throttling' });
    await ec2.send(new DescribeVpcsCommand({}));
    expect(await emulator.calls()).toEqual([
      { service: 'ec2', action: 'DescribeNatGateways', status: 400, injected: 'error' },
      { service: 'ec2', action: 'DescribeVpcs', status: 200 },
    ]);
  });

  it("maps credentials an STS AssumeRole issued through the proxy to the caller's account, rules and call log, marked with the role", async () => {
    // GIVEN a VPC and a network interface in this file's account, and the ENI cleanup role there
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.8.0.0/24' }))).Subnet!.SubnetId!;
    const eniId = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: 'AWS Lambda VPC ENI-x' }))).NetworkInterface!.NetworkInterfaceId!;
    const roleArn = await ensureEniCleanupRole(iam, await emulator.account());
    await emulator.clearCalls();
    // WHEN the product's cleanup client (AssumeRole with a session policy, then EC2 on those credentials) deletes it
    const cleanup = await eniCleanupFromEnvironment({ ENI_CLEANUP_ROLE_ARN: roleArn })([subnetId]);
    await cleanup.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    // THEN the session's call was logged in this account's log as the role's, and reached this account (the interface is gone here)
    expect(await emulator.calls()).toEqual([
      { service: 'sts', action: 'AssumeRole', status: 200 },
      { service: 'ec2', action: 'DeleteNetworkInterface', status: 200, assumedRole: roleArn },
    ]);
    const left = await ec2.send(new DescribeNetworkInterfacesCommand({}));
    expect(left.NetworkInterfaces?.map((eni) => eni.NetworkInterfaceId)).not.toContain(eniId);
  });
});

