import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { registryTableName } from '../../functions/shared/registry/table';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { runCli, PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/**
 * A network's members (request field network.allowedFunctions), through the real provision definition on the
 * emulator: the rule is recorded with the network when it is created, a later join outside it is refused by
 * name before anything is created, and a request cannot change it.
 */
const registry = () => ({ dynamodb: new DynamoDBClient({}), tableName: registryTableName() });
const TEAM_A = { namePatterns: ['team-a-*'] };

describe('network.allowedFunctions', () => {
  beforeAll(async () => {
    // GIVEN network "team-a" created for team-a-orders with the rule team-a-*
    await freshAccountWithFunction('team-a-orders');
    await createSampleFunction('team-b-billing');
    await createSampleFunction('team-a-reports');
    await queueProbeAnswers(passingProbe());
    const created = await provision({ functionName: 'team-a-orders', network: { name: 'team-a', natGateways: 'single', allowedFunctions: TEAM_A } });
    expect([created.status, created.error]).toEqual(['SUCCEEDED', undefined]);
  });

  it('records the rule with the network when it is created', async () => {
    expect((await readNetwork(registry(), 'team-a')).record?.allowedFunctions).toEqual(TEAM_A);
  });

  it('fails FunctionNotAllowed naming the network and its rule for a function outside it, with zero mutating calls', async () => {
    // WHEN team-b-billing asks to join "team-a" (not repeating the rule)
    await emulator.clearCalls();
    const run = await provision({ functionName: 'team-b-billing', network: { name: 'team-a', natGateways: 'single' } });
    // THEN it is refused by name, before anything is created or locked
    expect([run.status, run.error]).toEqual(['FAILED', 'FunctionNotAllowed']);
    expect(JSON.parse(run.cause ?? '{}').errorMessage).toMatch(/^network\.allowedFunctions\.namePatterns: team-b-billing matches none of network "team-a"'s name patterns team-a-\*: request another network/);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails InvalidRequest naming network.allowedFunctions for a request that would change the rule, and lets one repeating it in', async () => {
    await emulator.clearCalls();
    const changing = await provision({ functionName: 'team-a-reports', network: { name: 'team-a', natGateways: 'single', allowedFunctions: { namePatterns: ['*-reports'] } } });
    expect([changing.status, changing.error]).toEqual(['FAILED', 'InvalidRequest']);
    expect(JSON.parse(changing.cause ?? '{}').errorMessage).toMatch(/^network\.allowedFunctions: network "team-a" was created with allowedFunctions \{"namePatterns":\["team-a-\*"\]\}, and a request does not change it/);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    await queueProbeAnswers(passingProbe());
    const repeating = await provision({ functionName: 'team-a-reports', network: { name: 'team-a', natGateways: 'single', allowedFunctions: TEAM_A } });
    expect([repeating.status, repeating.error]).toEqual(['SUCCEEDED', undefined]);
  });

  it('refuses the same join through `lambda-egress provision --local`: exit 2, nothing created (as a process)', async () => {
    await emulator.clearCalls();
    const run = await runCli(['provision', '--local', '-f', 'team-b-billing', '--network', 'team-a', '--single-nat', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/✖ FunctionNotAllowed: network\.allowedFunctions\.namePatterns: team-b-billing matches none of network "team-a"'s name patterns team-a-\*/);
    const calls = (await emulator.calls()).filter((call) => call.service !== 'iam' && !['CreateTable', 'UpdateTimeToLive'].includes(call.action));
    expect(mutatingCalls(calls)).toEqual([]);
  });
});
