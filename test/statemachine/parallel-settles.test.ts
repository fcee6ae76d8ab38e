import { EC2Client } from '@aws-sdk/client-ec2';
import { emulator } from '../../local/test-support/emulator-control';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, functionSnapshot, invocationsOf, provision, timesEntered } from '../support/harness';

const ec2 = new EC2Client({});
/** Long enough that, unsettled, Rollback is over before the delayed call reaches moto. */
const ALLOCATION_DELAY_MS = 4000;

describe('PrepareInParallel: Rollback starts only once no task of either branch is still running', () => {
  it('fails with the injected error of branch B and leaves nothing tagged for the execution, while the proxy delays the AllocateAddress of EnsureNatGateway (which moto answers at once) in branch A', async () => {
    // GIVEN a user function; the proxy holds every AllocateAddress back (on AWS EnsureNatGateway can still be
    // creating when the other branch fails; moto answers at once), and CreateSecurityGroup fails for good. An EIP
    // needs nothing Rollback deletes, so one allocated after Rollback stays (a late CreateNatGateway fails instead:
    // its subnet and EIP are gone by then)
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await emulator.inject({ service: 'ec2', action: 'AllocateAddress', times: -1, fault: { type: 'delay', ms: ALLOCATION_DELAY_MS } });
    await emulator.inject({ service: 'ec2', action: 'CreateSecurityGroup', fault: { type: 'error', code: 'UnauthorizedOperation', status: 403 } });
    const natTasks = invocationsOf('EnsureNatGateway');

    // WHEN the workflow runs, and then every EnsureNatGateway invocation it started has ended
    const run = await provision({ functionName, network: { name: 'egress' } }, { resolveTask: natTasks.resolveTask });
    const stillCreatingWhenTheExecutionEnded = natTasks.running();
    await natTasks.allEnded();

    // THEN it failed with the injected error, after one Rollback that no EnsureNatGateway outlived, and nothing
    // tagged with the execution is left (no EIP, no NAT gateway billing)
    const delayed = (await emulator.calls()).filter((call) => call.action === 'AllocateAddress' && call.injected === 'delay');
    expect({
      outcome: [run.status, run.error],
      rollbacks: timesEntered(run, 'Rollback'),
      stillCreatingWhenTheExecutionEnded,
      leftBehind: await resourcesTaggedWith(ec2, run.executionArn),
    }).toEqual({ outcome: ['FAILED', 'UnauthorizedOperation'], rollbacks: 1, stillCreatingWhenTheExecutionEnded: 0, leftBehind: [] });
    // AND the delay was really in the way: both EIPs (one per AZ) were allocated through it
    expect(delayed.map((call) => call.status)).toEqual([200, 200]);
    // AND the function is as it was
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });
});
