import { DeleteNatGatewayCommand, DescribeAddressesCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { handler as checkNatGateways } from '../../functions/network/check-nat-gateways';
import { handler as ensureNatGateway } from '../../functions/network/ensure-nat-gateway';
import type { EnsureNatGatewayInput } from '../../functions/network/types';
import { TAG_EXECUTION, tagValue } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { execution, runNetworkTasks, type NetworkRun } from '../support/workflow';

const ec2 = new EC2Client({});

/** Rules count calls from the last reset: clearing first makes the rule hit the very next call of its action. */
async function injectOnNextCall(rule: Parameters<typeof emulator.inject>[0]): Promise<void> {
  await emulator.clearFaults();
  await emulator.inject(rule);
}

/** What AWS reports for a NAT gateway that could not be created (EC2 query XML, as moto emits the state). */
const FAILED = {
  service: 'ec2',
  action: 'DescribeNatGateways',
  fault: {
    type: 'rewrite' as const,
    replacements: [
      {
        pattern: '<state>available</state>',
        replacement:
          '<state>failed</state><failureCode>InsufficientFreeAddressesInSubnet</failureCode><failureMessage>Subnet has insufficient free addresses to create this NAT gateway</failureMessage>',
      },
    ],
  },
};

describe('CheckNatGateways', () => {
  let run: NetworkRun;
  const checkInput = () => ({ execution: run.execution, request: run.request, natGateways: run.network.natGateways });

  beforeAll(async () => {
    await emulator.freshAccount();
    await createSampleFunction('nat-fn');
    run = await runNetworkTasks({ functionName: 'nat-fn', network: { name: 'nat-check', s3Endpoint: false } }, 'nat-check');
  });

  afterEach(async () => {
    await emulator.clearFaults();
  });

  it('reports allAvailable with each NAT\'s state once AWS says available', async () => {
    const check = await checkNatGateways(checkInput());
    expect(check).toMatchObject({ allAvailable: true, gateways: run.network.natGateways.map(({ natTargetId, az }) => ({ natTargetId, az, state: 'available' })) });
  });

  it('reports allAvailable false while a NAT is still pending (state injected through the fault proxy)', async () => {
    // GIVEN AWS answers that the NAT gateways are pending, as they are for 1-3 minutes after creation
    await injectOnNextCall({ service: 'ec2', action: 'DescribeNatGateways', fault: { type: 'rewrite', replacements: [{ pattern: '<state>available</state>', replacement: '<state>pending</state>' }] } });
    // WHEN the wait loop checks them
    const check = await checkNatGateways(checkInput());
    // THEN the loop is told to wait, without an error
    expect(check).toMatchObject({ allAvailable: false, gateways: run.network.natGateways.map(({ natTargetId, az }) => ({ natTargetId, az, state: 'pending' })) });
  });

  it('fails NatGatewayFailed with AWS\'s failure code and message when a NAT is failed (state injected through the fault proxy)', async () => {
    // GIVEN AWS reports the NAT gateways as failed, with its failure code and message
    await injectOnNextCall(FAILED);
    // WHEN the wait loop checks them
    const check = checkNatGateways(checkInput());
    // THEN the execution fails with NatGatewayFailed carrying what AWS said
    const [first] = run.network.natGateways;
    await expect(check).rejects.toMatchObject({
      name: 'NatGatewayFailed',
      message: expect.stringContaining(`NAT gateway ${first!.natTargetId} in ${first!.az} failed: InsufficientFreeAddressesInSubnet: Subnet has insufficient free addresses to create this NAT gateway`),
      details: { natGatewayId: first!.natTargetId, az: first!.az, state: 'failed', failureCode: 'InsufficientFreeAddressesInSubnet', failureMessage: 'Subnet has insufficient free addresses to create this NAT gateway' },
    });
  });

  it('fails NatGatewayFailed when a NAT was deleted while the workflow waited', async () => {
    const [, second] = run.network.natGateways;
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: second!.natTargetId }));
    await expect(checkNatGateways(checkInput())).rejects.toMatchObject({ name: 'NatGatewayFailed', details: { natGatewayId: second!.natTargetId, state: 'deleted' } });
  });

  it('throws a throttling error unchanged, for the state machine\'s Retry', async () => {
    await injectOnNextCall({ service: 'ec2', action: 'DescribeNatGateways', fault: { type: 'error', code: 'RequestLimitExceeded', status: 503 } });
    await expect(checkNatGateways(checkInput())).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
  });
});

describe('EnsureNatGateway', () => {
  let run: NetworkRun;
  const placementInput = (executionName: string, index = 0): EnsureNatGatewayInput => ({
    execution: executionName === run.execution.name ? run.execution : execution(executionName),
    request: run.request,
    network: { vpc: run.network.vpc, subnets: run.network.subnets, internetGateway: run.network.internetGateway },
    placement: run.network.subnets.natPlacements[index]!,
  });

  beforeEach(async () => {
    await emulator.freshAccount();
    await createSampleFunction('nat-fn');
    run = await runNetworkTasks({ functionName: 'nat-fn', network: { name: 'nat-ensure', s3Endpoint: false } }, 'nat-ensure');
  });

  afterEach(async () => {
    await emulator.clearFaults();
  });

  it('creates a tagged NAT with a tagged EIP, ConnectivityType public, ledgering the EIP before the NAT', async () => {
    const [nat] = run.network.natGateways;
    const described = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [nat!.natTargetId] }))).NatGateways![0]!;
    expect(described).toMatchObject({ SubnetId: nat!.subnetId, ConnectivityType: 'public', NatGatewayAddresses: [expect.objectContaining({ AllocationId: nat!.allocationId })] });
    expect(tagValue(described.Tags, TAG_EXECUTION)).toBe(run.execution.id);
    const address = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [nat!.allocationId!] }))).Addresses![0]!;
    expect(tagValue(address.Tags, TAG_EXECUTION)).toBe(run.execution.id);
    expect(nat!.ledger.map((entry) => [entry.kind, entry.id, entry.az])).toEqual([
      ['elastic-ip', nat!.allocationId, nat!.az],
      ['nat-gateway', nat!.natTargetId, nat!.az],
    ]);
    expect(nat!.ledger[1]!.detail).toMatchObject({ allocationId: nat!.allocationId, subnetId: nat!.subnetId });
  });

  it('on a retry after CreateNatGateway failed, uses the EIP the first attempt allocated (no second EIP) and ledgers it', async () => {
    // GIVEN the first placement's NAT is gone (deleted), so a new one is needed, and CreateNatGateway fails once
    const [old] = run.network.natGateways;
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: old!.natTargetId }));
    await injectOnNextCall({ service: 'ec2', action: 'CreateNatGateway', fault: { type: 'error', code: 'InternalError', status: 500 } });
    await emulator.clearCalls();
    // WHEN a new execution's task runs, fails, and is retried by the state machine
    await expect(ensureNatGateway(placementInput('retried'))).rejects.toMatchObject({ name: 'InternalError' });
    const retried = await ensureNatGateway(placementInput('retried'));
    // THEN one EIP was allocated in all, and the retry's NAT uses it; the deleted NAT was not reused
    expect(mutatingCalls(await emulator.calls())).toEqual(['AllocateAddress', 'CreateNatGateway', 'CreateNatGateway']);
    expect(retried.natTargetId).not.toBe(old!.natTargetId);
    expect(retried.ledger.map((entry) => entry.kind)).toEqual(['elastic-ip', 'nat-gateway']);
    expect(retried.ledger[0]!.id).toBe(retried.allocationId);
  });

  it('run again by the same execution, finds its NAT and ledgers the NAT and its EIP again', async () => {
    await emulator.clearCalls();
    const again = await ensureNatGateway(placementInput(run.execution.name));
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    const [first] = run.network.natGateways;
    expect(again).toMatchObject({ natTargetId: first!.natTargetId, allocationId: first!.allocationId, subnetId: first!.subnetId });
    expect(again.ledger.map((entry) => [entry.kind, entry.id])).toEqual(first!.ledger.map((entry) => [entry.kind, entry.id]));
  });

  it('throws AddressLimitExceeded from AllocateAddress unchanged, creating no NAT', async () => {
    const [old] = run.network.natGateways;
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: old!.natTargetId }));
    await injectOnNextCall({ service: 'ec2', action: 'AllocateAddress', fault: { type: 'error', code: 'AddressLimitExceeded', status: 400, message: 'The maximum number of addresses has been reached.' } });
    await emulator.clearCalls();
    await expect(ensureNatGateway(placementInput('limited'))).rejects.toMatchObject({ name: 'AddressLimitExceeded', message: 'The maximum number of addresses has been reached.' });
    expect((await emulator.calls()).map((call) => call.action)).not.toContain('CreateNatGateway');
  });
});
