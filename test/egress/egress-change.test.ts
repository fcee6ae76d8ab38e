import { DeleteNatGatewayCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { palette } from '../../cli/io';
import { formatSuccess, type RunOutcome } from '../../cli/output';
import { egressChangeOf } from '../../functions/report/egress-change';
import type { ProvisionResult } from '../../functions/report/types';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

/**
 * A change of a network's egress IPs is announced: the provision result says old -> new (result.network.egressChange,
 * and a line of the text output), from what the registry recorded at the network's previous provision.
 */
const ec2 = new EC2Client({});

async function provisioned(request: unknown): Promise<ProvisionResult> {
  await queueProbeAnswers(passingProbe());
  const run = await provision(request);
  expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  return run.output as ProvisionResult;
}

describe('announcing a change of egress IPs', () => {
  it('says old -> new when a provision replaces a NAT gateway that is gone, and nothing when the addresses stay', async () => {
    // GIVEN a function on a new 1-AZ network: nothing was known before, so no change is announced
    const { functionName } = await freshAccountWithFunction();
    const first = await provisioned({ functionName, network: { name: 'moving', azCount: 1 } });
    expect(first.network.egressChange).toBeUndefined();
    expect(first.network.egressIps).toHaveLength(1);

    // AND a second function joining it unchanged: the same addresses, no change announced
    await createSampleFunction('billing-api');
    const joined = await provisioned({ functionName: 'billing-api', network: { name: 'moving', azCount: 1 } });
    expect([joined.network.egressIps, joined.network.egressChange]).toEqual([first.network.egressIps, undefined]);

    // WHEN the network's NAT gateway is deleted outside lambda-egress (a failed NAT) and a third function provisions onto it
    await emulator.label('setup');
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: first.network.natGateways[0]!.natTargetId }));
    await emulator.label(undefined);
    await createSampleFunction('stock-api');
    // (a join that finds its network drifted may probe twice: beside the drift check, then after the repair
    // under the exclusive lock; provisioned() queues the second answer)
    await queueProbeAnswers(passingProbe());
    const repaired = await provisioned({ functionName: 'stock-api', network: { name: 'moving', azCount: 1 } });

    // THEN the new NAT leaves from a new address, as DescribeNatGateways holds it, and the result says old -> new
    const nat = (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [repaired.network.natGateways[0]!.natTargetId] }))).NatGateways?.[0];
    const newIp = nat?.NatGatewayAddresses?.[0]?.PublicIp;
    expect(repaired.network.egressIps).toEqual([newIp]);
    expect(newIp).not.toEqual(first.network.egressIps[0]);
    expect(repaired.network.egressChange).toEqual({
      before: first.network.egressIps,
      after: [newIp],
      added: [newIp],
      removed: first.network.egressIps,
      message: expect.stringContaining(`${first.network.egressIps[0]} -> ${newIp}`),
    });
    // AND the text output has the line
    const text = formatSuccess({ status: 'SUCCEEDED', mode: 'local', result: repaired } as RunOutcome, palette(false)).join('\n');
    expect(text).toContain(`egress changed:    ${first.network.egressIps[0]} -> ${newIp}: update the partners' allow-lists`);
  });

  it('compares sets: the same addresses in another order are no change, an added one is', () => {
    expect(egressChangeOf(['1.2.3.4', '5.6.7.8'], ['5.6.7.8', '1.2.3.4'])).toBeUndefined();
    expect(egressChangeOf(undefined, ['1.2.3.4'])).toBeUndefined();
    expect(egressChangeOf(['1.2.3.4'], ['1.2.3.4', '5.6.7.8'])).toMatchObject({ added: ['5.6.7.8'], removed: [] });
  });
});
