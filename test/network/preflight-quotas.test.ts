import { CreateNatGatewayCommand, CreateSubnetCommand, CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ParsedCommand } from '../../cli/parsed-command';
import { runCommand } from '../../cli/run';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { memoryIo } from '../support/memory-io';
import { execution } from '../support/workflow';

/**
 * The VPC quotas of the preflight (functions/validate/preflight/vpc-quotas.ts): moto enforces neither, but answers
 * GetServiceQuota with AWS's defaults (5 VPCs per Region, 5 NAT gateways per AZ) and counts VPCs and NAT gateways.
 */
const ec2 = new EC2Client({});
const validate = (input: unknown) => validateRequest({ input, execution: execution('preflight-quotas') });

async function expectRefused(input: unknown, field: string, message: RegExp): Promise<void> {
  await emulator.clearCalls();
  await expect(validate(input)).rejects.toMatchObject({ name: 'InvalidRequest', field, message: expect.stringMatching(message) });
  expect(mutatingCalls(await emulator.calls())).toEqual([]);
}

/** VPCs until the Region has `total` (the account's default VPC counts, as in AWS). */
async function fillVpcs(total: number): Promise<void> {
  const present = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.length ?? 0;
  for (let i = present; i < total; i += 1) await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${80 + i}.0.0/16` }));
}

/** `count` NAT gateways in one AZ (private ones: they count against the per-AZ quota and need no Elastic IP). */
async function natGatewaysIn(az: string, count: number): Promise<void> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.90.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.90.1.0/24', AvailabilityZone: az }))).Subnet!.SubnetId!;
  for (let i = 0; i < count; i += 1) await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: 'private' }));
}

const accessDenied = { service: 'servicequotas', action: 'GetServiceQuota', times: -1, fault: { type: 'error', code: 'AccessDeniedException', status: 400, message: 'not authorized to perform servicequotas:GetServiceQuota' } } as const;

describe('ValidateRequest preflight: VPC quotas', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
    await createSampleFunction('orders');
  });

  describe('VPCs per Region (L-F678F1CE)', () => {
    it('fails InvalidRequest when the Region has as many VPCs as the quota, naming the numbers, the quota code and the fixes, with zero mutating calls', async () => {
      // GIVEN 5 VPCs in the Region (the default VPC among them), and the quota of 5 Service Quotas gives
      await fillVpcs(5);
      // WHEN a new network is asked for THEN it is refused before the VPC is created
      await expectRefused(
        { functionName: 'orders' },
        'network',
        /AWS would refuse the new VPC \(VpcLimitExceeded\): us-east-1 has 5 VPC\(s\) and the quota of VPCs per Region is 5 \(L-F678F1CE\).*--service-code vpc --quota-code L-F678F1CE --desired-value 6.*network\.vpcId/,
      );
    });

    it('passes with one VPC of room left', async () => {
      await fillVpcs(4);
      await expect(validate({ functionName: 'orders' })).resolves.toMatchObject({ request: { network: { mode: 'create' } } });
    });

    it('warns instead of refusing when Service Quotas is not permitted (fault proxy: AccessDeniedException), and plan shows the finding', async () => {
      // GIVEN 5 VPCs and a role that may not read the quota
      await fillVpcs(5);
      await emulator.inject(accessDenied);
      // WHEN the request is validated THEN the documented default is assumed, and said so, without a refusal on a guess
      const state = await validate({ functionName: 'orders' });
      expect(state.request.preflightNotes).toEqual([
        expect.stringMatching(/^VPCs per Region \(L-F678F1CE\) could not be read from Service Quotas \(AccessDeniedException\): the documented default of 5 is assumed; if it was not raised: AWS would refuse the new VPC/),
        'NAT gateways per Availability Zone (L-FE5A380F) could not be read from Service Quotas (AccessDeniedException): the documented default of 5 is assumed',
      ]);
      // AND plan prints it
      const io = memoryIo();
      const code = await runCommand(
        {
          command: 'plan',
          request: { functionName: 'orders', singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
          target: { local: false, demo: false },
          output: { json: false, quiet: false },
          gbPerMonth: 100,
        } as Extract<ParsedCommand, { command: 'plan' }>,
        io,
      );
      expect(code).toBe(0);
      expect(io.out()).toMatch(/! VPCs per Region \(L-F678F1CE\) could not be read from Service Quotas \(AccessDeniedException\)/);
    });

    it('does not count a join of a network whose VPC exists', async () => {
      // GIVEN network "default" exists (its VPC tagged), and the Region is then full
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'lambda-egress:managed', Value: 'true' }, { Key: 'lambda-egress:network', Value: 'default' }] }] }))).Vpc!.VpcId!;
      await fillVpcs(5);
      // WHEN another function joins it THEN no new VPC is needed and nothing is refused for the quota
      const state = await validate({ functionName: 'orders' });
      expect(state.request.network.mode).toBe('create');
      expect(state.request.preflightNotes).toBeUndefined();
      expect(vpcId).toMatch(/^vpc-/);
    });
  });

  describe('NAT gateways per AZ (L-FE5A380F)', () => {
    it('fails InvalidRequest when an AZ of the request has as many NAT gateways as the quota, naming the AZ, the numbers and the fixes, with zero mutating calls', async () => {
      // GIVEN 5 NAT gateways in us-east-1a (private ones: they count too)
      await natGatewaysIn('us-east-1a', 5);
      // WHEN a per-AZ network over us-east-1a and us-east-1b is asked for THEN it is refused naming us-east-1a
      await expectRefused(
        { functionName: 'orders' },
        'network.natGateways',
        /AWS would refuse the NAT gateway in us-east-1a \(5 there\) \(NatGatewayLimitExceeded\): the quota of NAT gateways per Availability Zone is 5 \(L-FE5A380F\).*--quota-code L-FE5A380F --desired-value 6.*network\.availabilityZones/,
      );
      // AND one shared NAT gateway goes in the first AZ, us-east-1a: refused as well
      await expectRefused({ functionName: 'orders', network: { natGateways: 'single' } }, 'network.natGateways', /NAT gateway in us-east-1a \(5 there\)/);
      // AND a regional NAT gateway (in no AZ) passes
      await expect(validate({ functionName: 'orders', network: { natGateways: 'regional' } })).resolves.toBeDefined();
    });

    it('passes with 4 NAT gateways in the AZ', async () => {
      await natGatewaysIn('us-east-1a', 4);
      await expect(validate({ functionName: 'orders' })).resolves.toMatchObject({ request: { network: { azs: ['us-east-1a', 'us-east-1b'] } } });
    });

    it('warns instead of refusing when Service Quotas is not permitted (fault proxy: AccessDeniedException)', async () => {
      await natGatewaysIn('us-east-1a', 5);
      await emulator.inject(accessDenied);
      const state = await validate({ functionName: 'orders' });
      expect(state.request.preflightNotes).toEqual([expect.stringMatching(/^VPCs per Region \(L-F678F1CE\) .*assumed$/), expect.stringMatching(/^NAT gateways per Availability Zone \(L-FE5A380F\) could not be read from Service Quotas \(AccessDeniedException\): the documented default of 5 is assumed; if it was not raised: AWS would refuse the NAT gateway in us-east-1a/)]);
    });
  });
});
