import { emulator } from '../../local/test-support/emulator-control';
import { managedInventory, recordCleanRun } from '../support/fault-suite';
import { passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { behavioursMet } from '../support/realism-suite';
import { SCENARIOS } from '../support/scenarios';

describe('a retried EnsureNatGateway whose NAT gateway was created but is not listed yet (realism profile)', () => {
  it('gets the same NAT gateway back through its client token and EIP: no second NAT, no second EIP (fault proxy: PutMetricAlarm throttled once after the create)', async () => {
    // GIVEN the existing-VPC scenario with NAT alarms; its first PutMetricAlarm (after CreateNatGateway) is throttled once
    const clean = recordCleanRun('existingPublicOnlyVpc');
    const { request } = await SCENARIOS.existingPublicOnlyVpc.prepare();
    await queueProbeAnswers(passingProbe(), passingProbe());
    await emulator.inject({ service: 'monitoring', action: 'PutMetricAlarm', nth: 1, fault: { type: 'error', code: 'Throttling', status: 400 } });

    // WHEN it runs as AWS behaves: the retry's find does not list the fresh NAT gateway
    await emulator.realism(3);
    const run = await provision(request);
    await emulator.plain();

    // THEN it succeeds with exactly the clean run's resources (before the fix: FAILED, a second EIP with the first token)
    expect([run.status, run.error, run.cause?.slice(0, 300)]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await behavioursMet()).toEqual(expect.arrayContaining(['nat-not-listed-yet']));
    expect(await managedInventory()).toEqual(clean.inventory);
  }, 5 * 60_000);
});
