import { AssociateRouteTableCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateRouteCommand, CreateRouteTableCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Scenario } from './scenario';
import { freshAccountWithFunction } from './harness';
import { releaseAndTeardown } from './release-teardown-scenario';

const ec2 = new EC2Client({});

export const createModeWithIpv6: Scenario = {
  name: 'create mode, 2 AZs, per-AZ NAT, IPv6',
  async prepare() {
    const fn = await freshAccountWithFunction('orders-api');
    return { ...fn, request: { functionName: fn.functionName, network: { name: 'egress', ipv6: true } } };
  },
};

/** The user's VPC with an attached IGW and two public subnets, but no NAT and no private subnet. */
export async function publicOnlyVpc(): Promise<string> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  const igw = await ec2.send(new CreateInternetGatewayCommand({}));
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGateway!.InternetGatewayId!, VpcId: vpcId }));
  const table = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const tableId = table.RouteTable!.RouteTableId!;
  await ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGateway!.InternetGatewayId! }));
  for (const [index, az] of ['us-east-1a', 'us-east-1b'].entries()) {
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.50.${index}.0/24`, AvailabilityZone: az }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnet.Subnet!.SubnetId! }));
  }
  return vpcId;
}

/** With network.alarms: the NAT gateways lambda-egress adds get their alarms, so PutMetricAlarm is in the matrix. */
export const existingPublicOnlyVpc: Scenario = {
  name: 'existing VPC with public subnets only, NAT alarms',
  async prepare() {
    const fn = await freshAccountWithFunction('billing-api');
    const vpcId = await publicOnlyVpc();
    return { ...fn, request: { functionName: fn.functionName, network: { vpcId, name: 'existing', alarms: true } } };
  },
};

/** natGateways "instance": NAT instances (security group, fixed ENI with its Elastic IP, launch template, Auto Scaling group) on moto. */
export const createModeInstance: Scenario = {
  name: 'create mode, 2 AZs, NAT instances',
  async prepare() {
    const fn = await freshAccountWithFunction('orders-api');
    return { ...fn, request: { functionName: fn.functionName, network: { name: 'egress-instance', natGateways: 'instance' } } };
  },
};

/** natGateways "regional": the regional NAT gateway is answered by the fault proxy (moto does not know regional mode). */
export const createModeRegional: Scenario = {
  name: 'create mode, 2 AZs, regional NAT gateway (answered by the fault proxy)',
  async prepare() {
    const fn = await freshAccountWithFunction('orders-api');
    return { ...fn, request: { functionName: fn.functionName, network: { name: 'egress-regional', natGateways: 'regional' } } };
  },
};

/** The scenarios of the fault suite, by name (record-clean-run.ts takes the name on its command line). */
export const SCENARIOS = { createModeWithIpv6, existingPublicOnlyVpc, createModeRegional, createModeInstance, releaseAndTeardown } as const;
export type ScenarioName = keyof typeof SCENARIOS;
