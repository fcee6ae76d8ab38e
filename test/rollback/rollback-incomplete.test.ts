import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { PROBE_FUNCTION_PREFIX } from '../../functions/shared/tags';
import { emulator } from '../../local/test-support/emulator-control';
import { freshAccountWithFunction, functionSnapshot, provision, queueProbeAnswers } from '../support/harness';
import { liveResources, resourcesTaggedWith } from '../support/tagged-network';

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } };

describe('Rollback that cannot undo one step', () => {
  it('undoes every other step, and ends in RollbackIncomplete naming the one left with its error (UnauthorizedOperation injected)', async () => {
    // GIVEN a network whose probe fails (so everything is rolled back), and AWS refusing ReleaseAddress for good
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(...Array.from({ length: 5 }, () => failingProbe));
    await emulator.inject({
      service: 'ec2',
      action: 'ReleaseAddress',
      times: -1,
      fault: { type: 'error', code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' },
    });

    // WHEN the workflow runs
    const run = await provision({ functionName, network: { name: 'egress', natGateways: 'single' } });

    // THEN the execution ends in RollbackIncomplete, not at the first failure
    expect([run.status, run.error]).toEqual(['FAILED', 'RollbackIncomplete']);
    // AND exactly the NAT's EIP is left, every other resource of the execution is gone
    const left = await resourcesTaggedWith(ec2, run.executionArn);
    const eips = (await liveResources(ec2)).filter((resource) => resource.kind === 'eip').map((resource) => resource.id);
    expect(eips).toHaveLength(1);
    expect(left).toEqual(eips);
    // AND the cause names it, with its error, and nothing else as left
    const message = (JSON.parse(run.cause ?? '{}') as { errorMessage?: string }).errorMessage ?? '';
    expect(message).toContain(`still there: elastic-ip ${eips[0]} (UnauthorizedOperation: You are not authorized to perform this operation.)`);
    expect(message.split('\n')[0]).toMatch(/could not undo 1 step\(s\)/);
    // AND the function, its role and the probe are as before
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
    const probes = (await lambda.send(new ListFunctionsCommand({}))).Functions?.filter((fn) => fn.FunctionName?.startsWith(PROBE_FUNCTION_PREFIX)) ?? [];
    expect(probes).toEqual([]);
  });
});
