import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AllocateAddressCommand, CreateNatGatewayCommand, CreateSubnetCommand, CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName } from '../../functions/shared/errors';
import { NOT_FOUND_AFTER_CREATE } from '../../functions/shared/eventual-consistency';
import { ledgerEntry } from '../../functions/shared/ledger';
import { tagSpecifications } from '../../functions/shared/tags';
import { runUndoPlan, undoPlan, type UndoPass } from '../../functions/undo/undo-engine';
import { emulator } from '../../local/test-support/emulator-control';
import { SCENARIOS } from '../support/scenarios';
import { recordCleanRun } from '../support/fault-suite';
import { rollbackUnderRealism } from '../support/realism-suite';

const ec2 = new EC2Client({});
const clients = { ec2, lambda: new LambdaClient({}), cloudwatch: new CloudWatchClient({}), autoscaling: new AutoScalingClient({}), ssm: new SSMClient({}) };

/** A call the profile may answer with its one transient 5xx, or a NotFound of what was just created: asked again, as the workflow's retries would. */
async function answered<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!(awsErrorName(error) === 'InternalError' || NOT_FOUND_AFTER_CREATE.has(awsErrorName(error) ?? '')) || attempt >= 4) throw error;
    }
  }
}

describe('Rollback as AWS behaves (realism profile)', () => {
  it.each([1, 7, 2026])('never takes the first NotFound right after a create for gone: the VPC is deleted, not reported gone while still there (seed %d)', async (seed) => {
    // GIVEN a VPC this execution created a moment ago, under the profile (its id not yet visible to the next EC2 calls)
    await emulator.freshAccount();
    await emulator.realism(seed);
    const created = await answered(() =>
      ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', TagSpecifications: tagSpecifications('vpc', { networkName: 'egress', executionId: 'exec-1', role: 'vpc' }) })),
    );
    const vpcId = created.Vpc!.VpcId!;

    // WHEN the undo engine runs over its ledger at once (passes until AWS stops making it wait, as the ASL retries)
    const plan = undoPlan([ledgerEntry('vpc', vpcId)]);
    let pass: UndoPass | undefined;
    for (let attempt = 0; attempt < 5 && (!pass || pass.pending.length > 0); attempt += 1) pass = await runUndoPlan(clients, plan);
    await emulator.plain();

    // THEN EC2 did answer NotFound for it first, and still the step ends `deleted` and the VPC is gone
    const calls = await emulator.calls();
    expect(calls.filter((call) => call.action === 'DeleteVpc').map((call) => call.realism ?? call.status)).toContain('not-found-after-create');
    expect(pass?.steps).toEqual([{ kind: 'vpc', id: vpcId, outcome: 'deleted' }]);
    const left = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    expect(left.Vpcs ?? []).toEqual([]);
  });

  it('waits on the AuthFailure ReleaseAddress answers right after its NAT gateway was deleted, and releases the address on the next pass', async () => {
    // GIVEN a NAT gateway with its Elastic IP, this execution's, under the profile
    await emulator.freshAccount();
    const vpcId = (await answered(() => ec2.send(new CreateVpcCommand({ CidrBlock: '10.31.0.0/16' })))).Vpc!.VpcId!;
    const subnetId = (await answered(() => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.31.0.0/24' })))).Subnet!.SubnetId!;
    await emulator.realism(4);
    const allocationId = (await answered(() => ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))).AllocationId!;
    const natGatewayId = (await answered(() => ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId })))).NatGateway!.NatGatewayId!;
    const plan = undoPlan([ledgerEntry('elastic-ip', allocationId), ledgerEntry('nat-gateway', natGatewayId)]);

    // WHEN the undo engine runs over them until AWS stops making it wait
    const passes: UndoPass[] = [];
    while (passes.length < 6 && (passes.length === 0 || passes.at(-1)!.pending.length > 0)) passes.push(await runUndoPlan(clients, plan));
    await emulator.plain();

    // THEN ReleaseAddress met AuthFailure, which was a wait, never a failure, and the address was released after
    expect((await emulator.calls()).filter((call) => call.action === 'ReleaseAddress').map((call) => call.realism ?? call.status)).toContain('eip-auth-failure');
    expect(passes.flatMap((pass) => pass.failed)).toEqual([]);
    expect(passes.flatMap((pass) => pass.pending).map((step) => step.kind)).toContain('elastic-ip');
    expect(passes.at(-1)!.pending).toEqual([]);
    expect(passes.flatMap((pass) => pass.steps).find((step) => step.kind === 'elastic-ip')?.outcome).toBe('deleted');
  });

  const scenario = SCENARIOS.createModeWithIpv6;
  const clean = recordCleanRun('createModeWithIpv6');
  // Early (the VPC just made), in the middle (NAT gateways pending), late (the function being moved).
  const points = ['CreateSubnet', 'CreateRoute', 'UpdateFunctionConfiguration'].map((action) => clean.mutating.find((call) => call.action === action)!);

  it.each(points.map((call) => [`${call.action}#${call.nth}`, call] as const))(
    `${scenario.name}: fails for good on %s under the profile, and Rollback leaves nothing of its own, the function and role as they were`,
    async (_label, call) => {
      // GIVEN/WHEN the provision runs as AWS behaves, with that call failing for good; THEN it fails with that error and nothing is left
      expect(await rollbackUnderRealism('createModeWithIpv6', call, 11)).toBeUndefined();
    },
    5 * 60_000,
  );
});
