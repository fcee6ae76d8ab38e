import { EC2Client } from '@aws-sdk/client-ec2';
import { emulator } from '../../local/test-support/emulator-control';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, functionSnapshot, invocationsOf, provision, timesEntered } from '../support/harness';

const ec2 = new EC2Client({});
/** Long enough that, unsettled, Rollback is over before the delayed call reaches moto. */
const ALLOCATION_DELAY_MS = 4000;

describe('EnsureNatGateways: Rollback starts only once no item of the Map is still creating', () => {
  it('fails with the injected AddressLimitExceeded of one AZ and leaves nothing tagged for the execution, while the proxy delays the other AZ\'s AllocateAddress (moto has no address limit and answers at once)', async () => {
    // GIVEN a user function and a 2-AZ create; the proxy holds the first AllocateAddress back (on AWS one AZ's
    // EnsureNatGateway can still be creating when another's fails; moto answers at once) and answers every later
    // one with AddressLimitExceeded (moto has no EIP limit), so the other AZ's EnsureNatGateway fails for good
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await emulator.inject({ service: 'ec2', action: 'AllocateAddress', nth: 1, fault: { type: 'delay', ms: ALLOCATION_DELAY_MS } });
    await emulator.inject({
      service: 'ec2',
      action: 'AllocateAddress',
      nth: 2,
      times: -1,
      fault: { type: 'error', code: 'AddressLimitExceeded', status: 400, message: 'The maximum number of addresses has been reached.' },
    });
    const natTasks = invocationsOf('EnsureNatGateway');

    // WHEN the workflow runs, and then every EnsureNatGateway invocation it started has ended
    const run = await provision({ functionName, network: { name: 'egress', azCount: 2 } }, { resolveTask: natTasks.resolveTask });
    const stillCreatingWhenTheExecutionEnded = natTasks.running();
    await natTasks.allEnded();

    // THEN it failed with the injected error by its own name and message, after one Rollback that no
    // EnsureNatGateway outlived, and nothing tagged with the execution is left (no EIP, no NAT gateway billing)
    expect({
      outcome: [run.status, run.error, run.cause],
      rollbacks: timesEntered(run, 'Rollback'),
      stillCreatingWhenTheExecutionEnded,
      leftBehind: await resourcesTaggedWith(ec2, run.executionArn),
    }).toEqual({
      outcome: ['FAILED', 'AddressLimitExceeded', expect.stringContaining('The maximum number of addresses has been reached.')],
      rollbacks: 1,
      stillCreatingWhenTheExecutionEnded: 0,
      leftBehind: [],
    });
    // AND the faults were really in the way: the call log lists calls as they are answered, so the other AZ's
    // AllocateAddress was refused while the delayed one was still held, and the delayed one then went through
    const allocations = (await emulator.calls()).filter((call) => call.action === 'AllocateAddress');
    expect(allocations.map((call) => [call.injected, call.status])).toEqual([
      ['error', 400],
      ['delay', 200],
    ]);
    // AND the function is as it was
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });
});
