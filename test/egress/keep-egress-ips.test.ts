import { AllocateAddressCommand, AssociateAddressCommand, CreateNetworkInterfaceCommand, CreateSubnetCommand, CreateVpcCommand, DescribeAddressesCommand, DescribeNatGatewaysCommand, EC2Client, type Address } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { runInMemory } from '../support/run-in-memory';
import { validateRequest } from '../../functions/validate/validation';
import type { ProvisionResult } from '../../functions/report/types';
import { TAG_KEPT_AZ, TAG_KEPT_FOR, TAG_KEPT_SET } from '../../functions/shared/kept-egress-ips';
import { tagValue } from '../../functions/shared/tags';
import type { RollbackReport, RollbackStep } from '../../functions/undo/types';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

/**
 * network.keepEgressIps: a teardown leaves the Elastic IPs lambda-egress allocated for the network allocated,
 * tagged as kept for its name; a rebuild of the same name leaves from them again; a rollback of that rebuild
 * keeps them; `teardown --release-egress-ips` lets them go. Kept addresses that cannot be taken as they were are
 * refused before anything is created.
 */
const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const execution = { id: 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:kept', name: 'kept' };
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 3000, error: { kind: 'timeout', message: 'timed out after 3 s' } };
let runs = 0;

function release(functionName: string): Promise<LocalRunResult> {
  runs += 1;
  return runLocally({ functionName }, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `release-kept-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true });
}

function teardown(network: string, releaseEgressIps = false): Promise<LocalRunResult> {
  runs += 1;
  return runLocally({ network, ...(releaseEgressIps ? { releaseEgressIps: true } : {}) }, { definitionPath: TEARDOWN_DEFINITION_PATH, stateMachineName: 'lambda-egress-teardown', executionName: `teardown-kept-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true });
}

function teardownSteps(run: LocalRunResult): RollbackStep[] {
  return ((run.output as { teardown?: { steps?: RollbackStep[] } }).teardown?.steps ?? []).filter((step) => step.kind === 'elastic-ip');
}

function rollbackReportOf(run: LocalRunResult): RollbackReport | undefined {
  const exited = run.events.find((event) => event.type === 'StateExited' && 'state' in event && event.state.name === 'Rollback');
  const output = exited && 'state' in exited ? (exited.state.output as { rollback?: RollbackReport } | undefined) : undefined;
  return output?.rollback;
}

async function addresses(allocationIds: readonly string[]): Promise<Address[]> {
  const all = (await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
  return all.filter((address) => allocationIds.includes(address.AllocationId ?? '')).sort((a, b) => (a.AllocationId ?? '').localeCompare(b.AllocationId ?? ''));
}

async function provisioned(request: unknown): Promise<ProvisionResult> {
  await queueProbeAnswers(passingProbe());
  const run = await provision(request);
  expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  return run.output as ProvisionResult;
}

/** An address as a teardown keeps it: lambda-egress's tags of network `name` and the kept tags. */
async function keptAddress(name: string, az: string, set: string): Promise<{ allocationId: string; publicIp: string }> {
  const allocated = await ec2.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: [
        {
          ResourceType: 'elastic-ip',
          Tags: [
            { Key: 'lambda-egress:network', Value: name },
            { Key: 'lambda-egress:execution', Value: 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:before' },
            { Key: 'lambda-egress:managed', Value: 'true' },
            { Key: 'lambda-egress:role', Value: 'nat-eip' },
            { Key: TAG_KEPT_FOR, Value: name },
            { Key: TAG_KEPT_AZ, Value: az },
            { Key: TAG_KEPT_SET, Value: set },
          ],
        },
      ],
    }),
  );
  return { allocationId: allocated.AllocationId!, publicIp: allocated.PublicIp! };
}

describe('keep egress IPs through a rebuild (network.keepEgressIps)', () => {
  it('keeps the addresses through teardown, a rebuild of the same name leaves from them again, and teardown --release-egress-ips releases them', async () => {
    // GIVEN a function provisioned onto a 2-AZ network that keeps its egress IPs
    const { functionName } = await freshAccountWithFunction();
    const first = await provisioned({ functionName, network: { name: 'partners', azCount: 2, keepEgressIps: true } });
    const allocationIds = first.network.egress.addresses.map((address) => address.allocationId ?? '').sort();
    expect(allocationIds).toHaveLength(2);

    // WHEN the function is released and the network torn down
    expect((await release(functionName)).status).toBe('SUCCEEDED');
    const tornDown = await teardown('partners');
    expect([tornDown.status, tornDown.error, tornDown.cause]).toEqual(['SUCCEEDED', undefined, undefined]);

    // THEN both addresses are kept, not released: still allocated with the same IPs, tagged as kept for the name and their AZ
    expect(teardownSteps(tornDown).map((step) => [step.id, step.outcome]).sort()).toEqual(allocationIds.map((id) => [id, 'kept']));
    const kept = await addresses(allocationIds);
    expect(kept.map((address) => address.PublicIp).sort()).toEqual([...first.network.egressIps].sort());
    const azOf = new Map(first.network.egress.addresses.map((address) => [address.allocationId, address.az]));
    expect(kept.map((address) => [tagValue(address.Tags, TAG_KEPT_FOR), tagValue(address.Tags, TAG_KEPT_AZ), address.AssociationId])).toEqual(kept.map((address) => ['partners', azOf.get(address.AllocationId), undefined]));
    expect(new Set(kept.map((address) => tagValue(address.Tags, TAG_KEPT_SET)))).toEqual(new Set([[...new Set(azOf.values())].sort().join(' ')]));

    // AND `networks` lists them as kept and idle, with their cost and the command that releases them (text and --json)
    const listed = await runInMemory({ command: 'networks', target: { local: true, demo: false }, output: { json: true, quiet: true } });
    expect(listed.code).toBe(0);
    const kept_ = (JSON.parse(listed.out) as { keptEgressIps: Array<{ network: string; publicIp: string; allocationId: string; monthlyUsd: number; releaseCommand: string }> }).keptEgressIps;
    expect(kept_.map((address) => [address.network, address.allocationId, address.publicIp, address.monthlyUsd, address.releaseCommand]).sort()).toEqual(
      kept.map((address) => ['partners', address.AllocationId, address.PublicIp, 3.65, `aws ec2 release-address --allocation-id ${address.AllocationId}`]).sort(),
    );
    const text = await runInMemory({ command: 'networks', target: { local: true, demo: false }, output: { json: false, quiet: true } });
    expect(text.out).toContain('Kept egress IPs, idle (2, $7.30 a month)');
    for (const address of kept) expect(text.out).toContain(`${address.PublicIp}  ${address.AllocationId}  network "partners"`);

    // WHEN a network of the same name is built again
    const rebuilt = await provisioned({ functionName, network: { name: 'partners', azCount: 2, keepEgressIps: true } });

    // THEN it leaves from the same addresses, each AZ from its own, as DescribeNatGateways and DescribeAddresses hold them
    expect(rebuilt.network.egressIps).toEqual(first.network.egressIps);
    expect(rebuilt.network.egress.addresses.map((address) => [address.az, address.publicIp, address.allocationId])).toEqual(first.network.egress.addresses.map((address) => [address.az, address.publicIp, address.allocationId]));
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: rebuilt.network.natGateways.map((nat) => nat.natTargetId) }))).NatGateways ?? [];
    expect(nats.flatMap((nat) => (nat.NatGatewayAddresses ?? []).map((address) => address.AllocationId)).sort()).toEqual(allocationIds);
    expect((await addresses(allocationIds)).every((address) => Boolean(address.AssociationId))).toBe(true);

    // AND `networks` lists no idle kept address: the rebuilt network's NATs use them
    const inUse = await runInMemory({ command: 'networks', target: { local: true, demo: false }, output: { json: true, quiet: true } });
    expect((JSON.parse(inUse.out) as { keptEgressIps: unknown[] }).keptEgressIps).toEqual([]);

    // WHEN it is released and torn down with `lambda-egress teardown --release-egress-ips`
    expect((await release(functionName)).status).toBe('SUCCEEDED');
    const released = await runInMemory({ command: 'teardown', network: 'partners', releaseEgressIps: true, yes: true, target: { local: true, demo: false }, output: { json: true, quiet: true } });

    // THEN the addresses are released
    expect(released.code).toBe(0);
    const deleted = (JSON.parse(released.out) as { summary: { deleted: RollbackStep[] } }).summary.deleted.filter((step) => step.kind === 'elastic-ip');
    expect(deleted.map((step) => [step.id, step.outcome]).sort()).toEqual(allocationIds.map((id) => [id, 'deleted']));
    expect(await addresses(allocationIds)).toEqual([]);
  });

  it('keeps the kept address allocated when the rebuild that took it rolls back', async () => {
    // GIVEN a single-NAT network that kept its address through a teardown
    const { functionName } = await freshAccountWithFunction();
    const first = await provisioned({ functionName, network: { name: 'kept-single', azCount: 1, natGateways: 'single', keepEgressIps: true } });
    const [allocationId] = first.network.egress.addresses.map((address) => address.allocationId ?? '');
    expect((await release(functionName)).status).toBe('SUCCEEDED');
    expect((await teardown('kept-single')).status).toBe('SUCCEEDED');

    // WHEN a rebuild of the same name takes it and then fails its probe
    await queueProbeAnswers(failingProbe, failingProbe, failingProbe);
    const run = await provision({ functionName, network: { name: 'kept-single', azCount: 1, natGateways: 'single' } });

    // THEN the rollback deleted the NAT gateway but kept the address: allocated, same IP, still tagged as kept
    expect(run.status).toBe('FAILED');
    const steps = rollbackReportOf(run)?.steps ?? [];
    expect(steps.filter((step) => step.kind === 'elastic-ip')).toEqual([{ kind: 'elastic-ip', id: allocationId, outcome: 'kept' }]);
    expect(steps.some((step) => step.kind === 'nat-gateway' && step.outcome === 'deleted')).toBe(true);
    const [after] = await addresses([allocationId!]);
    expect([after?.PublicIp, tagValue(after?.Tags, TAG_KEPT_FOR)]).toEqual([first.network.egressIps[0], 'kept-single']);
  });

  describe('fails InvalidRequest before anything is created when the kept addresses cannot be taken as they were', () => {
    const validate = (network: Record<string, unknown>) => validateRequest({ ec2, lambda }, { input: { functionName: 'orders-api', network: { name: 'kept-bad', ...network } }, execution });

    it('fails when a kept address is associated with something else', async () => {
      // GIVEN two addresses kept for "kept-bad", one of them since associated with another VPC's interface
      await freshAccountWithFunction();
      await keptAddress('kept-bad', 'us-east-1a', 'us-east-1a us-east-1b');
      const used = await keptAddress('kept-bad', 'us-east-1b', 'us-east-1a us-east-1b');
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.0.0/24' }))).Subnet!.SubnetId!;
      const eniId = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!.NetworkInterfaceId!;
      await ec2.send(new AssociateAddressCommand({ AllocationId: used.allocationId, NetworkInterfaceId: eniId }));
      await emulator.clearCalls();

      // WHEN the network is asked for again
      // THEN the error names the address, what holds it and the fixes, and nothing was changed
      await expect(validate({ azCount: 2 })).rejects.toMatchObject({
        name: 'InvalidRequest',
        field: 'network.name',
        message: expect.stringMatching(new RegExp(`${used.publicIp.replace(/\./g, '\\.')} \\(${used.allocationId}\\) kept for network "kept-bad" is associated with ${eniId}.*release-address`)),
      });
      expect(mutatingCalls(await emulator.calls())).toEqual([]);
    });

    it('fails when a kept address is gone, or the request has NATs in other AZs or a regional NAT gateway', async () => {
      // GIVEN a kept set of two AZs of which only us-east-1a's address is left
      await freshAccountWithFunction();
      await keptAddress('kept-bad', 'us-east-1a', 'us-east-1a us-east-1b');
      await emulator.clearCalls();

      // WHEN the network is asked for again, THEN the gone AZ is named
      await expect(validate({ azCount: 2 })).rejects.toMatchObject({ field: 'network.name', message: expect.stringContaining('the one of us-east-1b is gone') });

      // GIVEN a kept set of two complete addresses
      await freshAccountWithFunction();
      await keptAddress('kept-bad', 'us-east-1a', 'us-east-1a us-east-1b');
      await keptAddress('kept-bad', 'us-east-1b', 'us-east-1a us-east-1b');
      await emulator.clearCalls();

      // WHEN asked for with one AZ, with a single NAT, or regional, THEN each is refused naming the mismatch
      await expect(validate({ azCount: 1 })).rejects.toMatchObject({ field: 'network.azCount', message: expect.stringContaining('one per NAT in us-east-1a, us-east-1b, and this request\'s NATs (natGateways "per-az") are in us-east-1a') });
      await expect(validate({ azCount: 2, natGateways: 'single' })).rejects.toMatchObject({ field: 'network.azCount' });
      await expect(validate({ azCount: 2, natGateways: 'regional' })).rejects.toMatchObject({ field: 'network.natGateways', message: expect.stringContaining('a regional NAT gateway leaves from addresses AWS allocates') });
      expect(mutatingCalls(await emulator.calls())).toEqual([]);
    });

    it('takes the kept addresses per AZ when they match', async () => {
      // GIVEN a complete kept set of two AZs
      await freshAccountWithFunction();
      const a = await keptAddress('kept-bad', 'us-east-1a', 'us-east-1a us-east-1b');
      const b = await keptAddress('kept-bad', 'us-east-1b', 'us-east-1a us-east-1b');

      // WHEN the same network is asked for
      const validated = await validate({ azCount: 2 });

      // THEN each AZ's NAT is given its own kept address
      expect(validated.request.network.keptEgressIps).toEqual([
        { az: 'us-east-1a', allocationId: a.allocationId, publicIp: a.publicIp },
        { az: 'us-east-1b', allocationId: b.allocationId, publicIp: b.publicIp },
      ]);
    });
  });
});
