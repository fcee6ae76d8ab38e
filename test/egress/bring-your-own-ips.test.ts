import { AllocateAddressCommand, AssociateAddressCommand, CreateNetworkInterfaceCommand, CreateSubnetCommand, CreateVpcCommand, DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { validateRequest } from '../../functions/validate/validation';
import type { ProvisionResult } from '../../functions/report/types';
import { isBorrowed } from '../../functions/shared/ledger';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import type { RollbackReport } from '../../functions/undo/types';
import { teardown } from '../support/lifecycle-fixture';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

/**
 * network.eipAllocationIds: the user's own Elastic IPs. Used for the NAT gateways, recorded as borrowed, never
 * released by rollback, release or teardown; bad ones refused before anything is created.
 */
const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const execution = { id: 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:byo', name: 'byo' };
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 3000, error: { kind: 'timeout', message: 'timed out after 3 s' } };

/** Elastic IPs as a user allocates them: no lambda-egress tag. */
async function usersAddresses(count: number): Promise<Array<{ allocationId: string; publicIp: string }>> {
  const addresses = [];
  for (let index = 0; index < count; index++) {
    const allocated = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    addresses.push({ allocationId: allocated.AllocationId!, publicIp: allocated.PublicIp! });
  }
  return addresses;
}

function rollbackReportOf(run: LocalRunResult): RollbackReport | undefined {
  const exited = run.events.find((event) => event.type === 'StateExited' && 'state' in event && event.state.name === 'Rollback');
  const output = exited && 'state' in exited ? (exited.state.output as { rollback?: RollbackReport } | undefined) : undefined;
  return output?.rollback;
}

async function stillAllocated(allocationIds: readonly string[]): Promise<string[]> {
  return ((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [...allocationIds] }))).Addresses ?? []).map((address) => address.AllocationId ?? '').sort();
}

describe('bring your own egress IPs (network.eipAllocationIds)', () => {
  it('uses the user\'s Elastic IPs for the NAT gateways, reports them as borrowed, and keeps them allocated through release and teardown', async () => {
    // GIVEN a function and two Elastic IPs the user allocated (and a partner allow-listed)
    const { functionName } = await freshAccountWithFunction();
    const mine = await usersAddresses(2);
    await queueProbeAnswers(passingProbe());

    // WHEN it is provisioned onto a 2-AZ network with those addresses
    const run = await provision({ functionName, network: { name: 'byo', azCount: 2, eipAllocationIds: mine.map((address) => address.allocationId) } });

    // THEN the function leaves from exactly those addresses, the first AZ's NAT from the first one
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    expect([...result.network.egressIps].sort()).toEqual(mine.map((address) => address.publicIp).sort());
    const byAz = [...result.network.egress.addresses].sort((a, b) => a.az.localeCompare(b.az));
    expect(byAz.map((address) => [address.allocationId, address.allocatedBy])).toEqual(mine.map((address) => [address.allocationId, 'account']));
    // AND the ledger records them as borrowed, and no Elastic IP of lambda-egress's own
    const eipEntries = result.ledger.filter((entry) => entry.kind === 'elastic-ip');
    expect(eipEntries.map((entry) => [entry.id, isBorrowed(entry)]).sort()).toEqual(mine.map((address) => [address.allocationId, true]).sort());

    // WHEN the function is released and the network torn down
    const released = await runLocally({ functionName }, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `release-byo-${process.pid}`, skipWaits: true, skipRetryIntervals: true });
    expect([released.status, released.error]).toEqual(['SUCCEEDED', undefined]);
    const tornDown = await teardown('byo');
    expect([tornDown.status, tornDown.error, tornDown.cause]).toEqual(['SUCCEEDED', undefined, undefined]);

    // THEN both addresses are still allocated to the account, with the same public IPs
    expect(await stillAllocated(mine.map((address) => address.allocationId))).toEqual(mine.map((address) => address.allocationId).sort());
  });

  it('keeps the user\'s Elastic IP allocated when the execution rolls back', async () => {
    // GIVEN a function, one Elastic IP of the user's, and a probe that will fail
    const { functionName } = await freshAccountWithFunction();
    const [mine] = await usersAddresses(1);
    await queueProbeAnswers(failingProbe, failingProbe, failingProbe);

    // WHEN it is provisioned with natGateways "single" on that address, and the probe fails
    const run = await provision({ functionName, network: { name: 'byo-single', azCount: 1, natGateways: 'single', eipAllocationIds: [mine!.allocationId] } });

    // THEN the execution rolled back, leaving the address unchanged and still allocated
    expect(run.status).toBe('FAILED');
    const steps = rollbackReportOf(run)?.steps ?? [];
    expect(steps.filter((step) => step.kind === 'elastic-ip')).toEqual([{ kind: 'elastic-ip', id: mine!.allocationId, outcome: 'unchanged' }]);
    expect(steps.some((step) => step.kind === 'nat-gateway' && step.outcome === 'deleted')).toBe(true);
    expect(await stillAllocated([mine!.allocationId])).toEqual([mine!.allocationId]);
  });

  it('associates the user\'s Elastic IPs with the NAT instances, and keeps them allocated when the execution rolls back', async () => {
    // GIVEN a function and two Elastic IPs of the user's
    const { functionName } = await freshAccountWithFunction();
    const mine = await usersAddresses(2);
    await queueProbeAnswers(passingProbe());

    // WHEN it is provisioned with natGateways "instance" over 2 AZs on those addresses
    const run = await provision({ functionName, network: { name: 'byo-instance', natGateways: 'instance', azCount: 2, eipAllocationIds: mine.map((address) => address.allocationId) } });

    // THEN each NAT instance's interface leaves from the user's address of its AZ, as DescribeAddresses holds it
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const result = run.output as ProvisionResult;
    const byAz = [...result.network.egress.addresses].sort((a, b) => a.az.localeCompare(b.az));
    expect(byAz.map((address) => [address.publicIp, address.allocationId, address.allocatedBy])).toEqual(mine.map((address) => [address.publicIp, address.allocationId, 'account']));
    const described = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: mine.map((address) => address.allocationId) }))).Addresses ?? [];
    expect(described.map((address) => [address.AllocationId, address.NetworkInterfaceId]).sort()).toEqual(byAz.map((address) => [address.allocationId, address.natId]).sort());
    // AND the ledger records them as borrowed
    expect(result.ledger.filter((entry) => entry.kind === 'elastic-ip').map((entry) => [entry.id, isBorrowed(entry)]).sort()).toEqual(mine.map((address) => [address.allocationId, true]).sort());

    // WHEN, in a fresh account, a NAT-instance provision on an address of the user's fails its probe
    const other = await freshAccountWithFunction('billing-api');
    const [spare] = await usersAddresses(1);
    await queueProbeAnswers(failingProbe, failingProbe, failingProbe);
    const failed = await provision({ functionName: other.functionName, network: { name: 'byo-instance-2', natGateways: 'instance', azCount: 1, eipAllocationIds: [spare!.allocationId] } });

    // THEN the rollback deleted the NAT instance's interface and left the address unchanged and allocated
    expect(failed.status).toBe('FAILED');
    const steps = rollbackReportOf(failed)?.steps ?? [];
    expect(steps.filter((step) => step.kind === 'elastic-ip')).toEqual([{ kind: 'elastic-ip', id: spare!.allocationId, outcome: 'unchanged' }]);
    expect(steps.some((step) => step.kind === 'nat-instance-eni' && step.outcome === 'deleted')).toBe(true);
    expect(await stillAllocated([spare!.allocationId])).toEqual([spare!.allocationId]);
  });

  describe('fails InvalidRequest on network.eipAllocationIds before anything is created', () => {
    const validate = (network: Record<string, unknown>) => validateRequest({ ec2, lambda }, { input: { functionName: 'orders-api', network: { name: 'byo-bad', ...network } }, execution });

    it('fails when an allocation id does not exist in this region', async () => {
      // GIVEN an account with the function and one real address
      await freshAccountWithFunction();
      const [mine] = await usersAddresses(1);
      await emulator.clearCalls();

      // WHEN the request names it and one that does not exist
      const validation = validate({ azCount: 2, eipAllocationIds: [mine!.allocationId, 'eipalloc-0123456789abcdef0'] });

      // THEN the error names the field and the missing id, and nothing was changed
      await expect(validation).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.eipAllocationIds', message: expect.stringContaining('eipalloc-0123456789abcdef0 is not an Elastic IP of this account in us-east-1') });
      expect(mutatingCalls(await emulator.calls())).toEqual([]);
    });

    it('fails when an address is associated with something else', async () => {
      // GIVEN an address of the user's associated with a network interface of another VPC
      await freshAccountWithFunction();
      const [free, used] = await usersAddresses(2);
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.9.0.0/24' }))).Subnet!.SubnetId!;
      const eniId = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!.NetworkInterfaceId!;
      await ec2.send(new AssociateAddressCommand({ AllocationId: used!.allocationId, NetworkInterfaceId: eniId }));
      await emulator.clearCalls();

      // WHEN the request names it
      const validation = validate({ azCount: 2, eipAllocationIds: [free!.allocationId, used!.allocationId] });

      // THEN the error names the address, what holds it and how to free it, and nothing was changed
      await expect(validation).rejects.toMatchObject({ name: 'InvalidRequest', field: 'network.eipAllocationIds', message: expect.stringMatching(new RegExp(`${used!.allocationId} \\(${used!.publicIp.replace(/\./g, '\\.')}\\) is associated with ${eniId}.*disassociate-address`)) });
      expect(mutatingCalls(await emulator.calls())).toEqual([]);
    });

    it('fails when there are fewer addresses than NAT gateways, or the mode takes none of its own', async () => {
      // GIVEN one address of the user's
      await freshAccountWithFunction();
      const [mine] = await usersAddresses(1);
      await emulator.clearCalls();

      // WHEN a 3-AZ per-az network, a regional one and a 2-AZ NAT instance one are asked for with it
      // THEN each is refused with the count or the mode named, and nothing was changed
      await expect(validate({ azCount: 3, eipAllocationIds: [mine!.allocationId] })).rejects.toMatchObject({ field: 'network.eipAllocationIds', message: expect.stringContaining('gives 1 Elastic IP, but natGateways "per-az" over 3 AZs (us-east-1a, us-east-1b, us-east-1c) needs 3') });
      await expect(validate({ natGateways: 'regional', eipAllocationIds: [mine!.allocationId] })).rejects.toMatchObject({ field: 'network.eipAllocationIds', message: expect.stringContaining('does not apply to natGateways "regional"') });
      await expect(validate({ natGateways: 'instance', azCount: 2, eipAllocationIds: [mine!.allocationId] })).rejects.toMatchObject({ field: 'network.eipAllocationIds', message: expect.stringContaining('gives 1 Elastic IP, but natGateways "instance" over 2 AZs (us-east-1a, us-east-1b) needs 2') });
      expect(mutatingCalls(await emulator.calls())).toEqual([]);
    });
  });
});
