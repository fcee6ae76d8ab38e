import { AllocateAddressCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import type { ParsedCommand } from '../../cli/parsed-command';
import { runCommand } from '../../cli/run';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { blockPublicAccessRewrite } from '../../local/proxy/block-public-access';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { memoryIo } from '../support/memory-io';
import { completeVpc } from '../support/existing-vpcs';
import { execution, runNetworkTasks } from '../support/workflow';

/**
 * The preflight refuses what AWS or the account's settings would refuse part-way through provision, before
 * anything is created. moto never enforces the Elastic IP quota but reports it (vpc-max-elastic-ips = 5) and
 * counts addresses; it serves no VPC Block Public Access, which the fault proxy answers as AWS documents it.
 */
const ec2 = new EC2Client({});
const validate = (input: unknown) => validateRequest({ input, execution: execution('preflight') });

/** The request is refused InvalidRequest naming `field` and matching `message`, and nothing was changed. */
async function expectRefused(input: unknown, field: string, message: RegExp): Promise<void> {
  await emulator.clearCalls();
  const validation = validate(input);
  await expect(validation).rejects.toMatchObject({ name: 'InvalidRequest', field, message: expect.stringMatching(message) });
  expect(mutatingCalls(await emulator.calls())).toEqual([]);
}

function planOf(extra: { vpcId?: string; natInstance?: boolean }): Extract<ParsedCommand, { command: 'plan' }> {
  return {
    command: 'plan',
    request: { functionName: 'orders', ...extra, singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false },
    target: { local: false, demo: false },
    output: { json: false, quiet: false },
    gbPerMonth: 100,
  } as Extract<ParsedCommand, { command: 'plan' }>;
}

describe('ValidateRequest preflight', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
    await createSampleFunction('orders');
  });

  describe('Elastic IP quota', () => {
    it('fails InvalidRequest when the NAT gateways need more Elastic IPs than the quota leaves, naming the numbers and the quota code, with zero mutating calls', async () => {
      // GIVEN 4 of the Region's 5 Elastic IPs in use
      for (let i = 0; i < 4; i += 1) await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      // WHEN a per-AZ network of 2 AZs is asked for (2 addresses)
      // THEN it is refused: 2 needed, 1 left of 5, with the Service Quotas code and the commands
      await expectRefused({ functionName: 'orders' }, 'network.natGateways', /needs 2 \(one per NAT gateway, 2 AZ\(s\)\), and us-east-1 has 1 left of the quota of 5 \(4 in use\).*--quota-code L-0263D0A3 --desired-value 6/);
      // AND one shared NAT gateway fits
      await expect(validate({ functionName: 'orders', network: { natGateways: 'single' } })).resolves.toMatchObject({ request: { network: { natGateways: 'single' } } });
    });

    it('fails InvalidRequest on azCount 6 per AZ in an empty account (6 addresses, quota 5), and passes regional NAT (no address allocated)', async () => {
      await expectRefused({ functionName: 'orders', network: { azCount: 6 } }, 'network.natGateways', /needs 6 .* has 5 left of the quota of 5 \(0 in use\)/);
      await expect(validate({ functionName: 'orders', network: { azCount: 6, natGateways: 'regional' } })).resolves.toBeDefined();
    });
  });

  describe('availability zones', () => {
    it('skips an AZ without the NAT instance type (us-east-1e is use1-az3, no Graviton) and refuses more AZs than offer it', async () => {
      // GIVEN us-east-1, where t4g.nano is offered in 5 of the 6 AZs
      // WHEN 5 AZs of NAT instances are asked for THEN us-east-1e is skipped
      const state = await validate({ functionName: 'orders', network: { azCount: 5, natGateways: 'instance' } });
      expect(state.request.network.azs).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1f']);
      // AND 6 are refused, naming the AZ and its ID
      await expectRefused({ functionName: 'orders', network: { azCount: 6, natGateways: 'instance' } }, 'network.azCount', /NAT instances \(t4g\.nano\) in us-east-1e \(use1-az3\), which do not offer that type.*use an azCount from 1 to 5/);
    });

    it('fails InvalidRequest for NAT instances in an existing VPC with subnets in an AZ without the type', async () => {
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
      await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.1.0/24', AvailabilityZone: 'us-east-1e' }));
      await expectRefused({ functionName: 'orders', network: { vpcId, natGateways: 'instance' } }, 'network.natInstanceType', /launch a NAT instance \(t4g\.nano\) in us-east-1e \(use1-az3\), where vpc-\w+ has subnets but that type is not offered/);
    });
  });

  describe('VPC Block Public Access (fault proxy: moto lacks BPA, answered as AWS documents it)', () => {
    it('fails InvalidRequest in block-bidirectional mode for a new network, which no exclusion can cover yet', async () => {
      await emulator.inject(blockPublicAccessRewrite({ mode: 'block-bidirectional' }));
      await expectRefused({ functionName: 'orders' }, 'network', /VPC Block Public Access is block-bidirectional in us-east-1.*no exclusion covers a VPC not created yet.*create-vpc-block-public-access-exclusion --vpc-id <vpc> --internet-gateway-exclusion-mode allow-egress/);
    });

    it('fails InvalidRequest in block-ingress mode for NAT instances, and lets NAT gateways through', async () => {
      await emulator.inject(blockPublicAccessRewrite({ mode: 'block-ingress' }));
      await expectRefused({ functionName: 'orders', network: { natGateways: 'instance' } }, 'network.natGateways', /block-ingress.*natGateways "instance" sends its traffic through the internet gateway.*NAT gateways pass block-ingress/);
      await expect(validate({ functionName: 'orders' })).resolves.toMatchObject({ request: { network: { natGateways: 'per-az' } } });
    });

    it('accepts an existing VPC excluded with allow-egress in block-bidirectional mode, and refuses one that is not, naming the exclusion command', async () => {
      const account = await emulator.account();
      const excluded = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc!.VpcId!;
      const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.62.0.0/16' }))).Vpc!.VpcId!;
      await emulator.inject(blockPublicAccessRewrite({ mode: 'block-bidirectional' }));
      await emulator.inject(blockPublicAccessRewrite({ exclusions: [{ resourceArn: `arn:aws:ec2:us-east-1:${account}:vpc/${excluded}`, mode: 'allow-egress' }] }));
      await expect(validate({ functionName: 'orders', network: { vpcId: excluded } })).resolves.toMatchObject({ request: { network: { vpcId: excluded } } });
      await expectRefused({ functionName: 'orders', network: { vpcId: other } }, 'network.vpcId', new RegExp(`no exclusion covers ${other}.*create-vpc-block-public-access-exclusion --vpc-id ${other} --internet-gateway-exclusion-mode allow-egress`));
    });

    it('says so when the organization allows no exclusions', async () => {
      await emulator.inject(blockPublicAccessRewrite({ mode: 'block-bidirectional', exclusionsAllowed: 'not-allowed' }));
      await expectRefused({ functionName: 'orders' }, 'network', /exclusions are not allowed in this account \(its organization manages BPA\)/);
    });
  });

  it('fails InvalidRequest for an existing VPC with DNS resolution off, with the command that turns it on', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.63.0.0/16' }))).Vpc!.VpcId!;
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: false } }));
    await expectRefused({ functionName: 'orders', network: { vpcId } }, 'network.vpcId', new RegExp(`${vpcId} has DNS resolution turned off \\(enableDnsSupport false\\).*aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-support`));
  });

  describe('a network name is bound to one VPC', () => {
    it('fails InvalidRequest when a name bound to one existing VPC would be bound to another, naming both; another name for it passes', async () => {
      // GIVEN network "default" built in an existing VPC A
      const first = await completeVpc(ec2, 2);
      await runNetworkTasks({ functionName: 'orders', network: { vpcId: first.vpcId } }, 'bind-first');
      const second = await completeVpc(ec2, 3);
      // WHEN a request names VPC B under the same (default) name THEN it is refused naming both VPCs
      await expectRefused({ functionName: 'orders', network: { vpcId: second.vpcId } }, 'network.name', new RegExp(`network "default" is bound to ${first.vpcId}, and this request would bind it to ${second.vpcId} too: give ${second.vpcId} a network name of its own \\(--network NAME with --vpc-id`));
      // AND a new VPC under that name is refused too
      await expectRefused({ functionName: 'orders' }, 'network.name', new RegExp(`network "default" is bound to the existing VPC ${first.vpcId}, and this request would create a new VPC under the same name`));
      // AND VPC B under a name of its own, or VPC A again, pass
      await expect(validate({ functionName: 'orders', network: { vpcId: second.vpcId, name: 'second' } })).resolves.toMatchObject({ request: { network: { name: 'second', vpcId: second.vpcId } } });
      await expect(validate({ functionName: 'orders', network: { vpcId: first.vpcId } })).resolves.toMatchObject({ request: { network: { name: 'default' } } });
    });

    it('fails InvalidRequest when an existing VPC is named after a network lambda-egress created', async () => {
      const built = await runNetworkTasks({ functionName: 'orders', network: { name: 'shop', natGateways: 'single', s3Endpoint: false } }, 'bind-created');
      const other = await completeVpc(ec2, 4);
      await expectRefused({ functionName: 'orders', network: { vpcId: other.vpcId, name: 'shop' } }, 'network.name', new RegExp(`network "shop" is bound to ${built.network.vpc.vpcId}, and this request would bind it to ${other.vpcId}`));
    });
  });

  it('plan shows the same refusal, exit 2, with zero mutating calls', async () => {
    // GIVEN an account in block-bidirectional mode
    await emulator.inject(blockPublicAccessRewrite({ mode: 'block-bidirectional' }));
    await emulator.clearCalls();
    // WHEN plan is run
    const io = memoryIo();
    const code = await runCommand(planOf({}), io);
    // THEN it gives provision's answer before anything is created
    expect(code).toBe(2);
    expect(io.err()).toMatch(/✖ InvalidRequest: network: AWS would block this network's internet egress: VPC Block Public Access is block-bidirectional/);
    expect(io.err()).toContain('Nothing was changed');
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });
});
