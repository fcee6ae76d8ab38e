import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatGatewayFailed } from '../../functions/shared/errors';
import { failingTo, renderDefinition, settledMap, task } from '../../statemachine/asl-builder';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import { timesEntered } from '../support/harness';

/** A machine around one settledMap whose Choice checks only the first item by index, so a second item overflows it. */
function machinePath(): string {
  const definition = {
    StartAt: 'CreateEach',
    States: {
      ...failingTo('Failed', {
        ...settledMap({
          name: 'CreateEach',
          Comment: 'One item per placement.',
          map: { ItemsPath: '$.placements', ItemSelector: { 'placement.$': '$$.Map.Item.Value' }, MaxConcurrency: 0 },
          processor: { StartAt: 'EnsureNatGateway', settle: 'NotCreated', States: { EnsureNatGateway: task('EnsureNatGateway', { End: true }) } },
          ResultPath: '$.created',
          check: 'AllCreated?',
          checkedByChoice: 1,
          raise: 'RaiseFirstError',
          raiseStates: { choice: 'ItemFailed?', fail: 'ItemFailed', succeed: 'ItemCreated' },
          Next: 'Created',
        }),
      }),
      Created: { Type: 'Succeed' },
      Failed: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'settled-map-')), 'settled-map.asl.json');
  writeFileSync(path, renderDefinition(definition));
  return path;
}

interface Placement {
  readonly az: string;
  readonly ms: number;
  readonly fails?: boolean;
}

/** Runs the machine with a stand-in EnsureNatGateway that answers (or fails) after `ms`, counting those still running. */
async function run(placements: Placement[]): Promise<{ run: LocalRunResult; stillRunningWhenTheExecutionEnded: number }> {
  let running = 0;
  const result = await runLocally(
    { placements },
    {
      definitionPath: machinePath(),
      skipRetryIntervals: true,
      resolveTask: () => async (input) => {
        const { placement } = input as { placement: Placement };
        running += 1;
        await new Promise((resolve) => setTimeout(resolve, placement.ms));
        running -= 1;
        if (placement.fails) throw new NatGatewayFailed(`NAT gateway in ${placement.az} failed`);
        return { natGatewayId: `nat-${placement.az}` };
      },
    },
  );
  return { run: result, stillRunningWhenTheExecutionEnded: running };
}

describe('settledMap (statemachine/asl-builder.ts) in the local interpreter, with stand-in tasks', () => {
  it('fails with the first failed item\'s own error only once every item has ended, also past the items its Choice checks by index', async () => {
    // GIVEN three items: the second fails late, the third fails at once, the first is still running when it does
    const placements = [
      { az: 'a', ms: 300 },
      { az: 'b', ms: 150, fails: true },
      { az: 'c', ms: 0, fails: true },
    ];
    // WHEN the machine runs
    const { run: failed, stillRunningWhenTheExecutionEnded } = await run(placements);
    // THEN it fails with the error of the first failed item in item order (not the first in time), by its own
    // name and cause, and no item was still running when it did
    expect([failed.status, failed.error, JSON.parse(failed.cause ?? '{}'), stillRunningWhenTheExecutionEnded]).toEqual([
      'FAILED',
      'NatGatewayFailed',
      { errorType: 'NatGatewayFailed', errorMessage: 'NAT gateway in b failed' },
      0,
    ]);
  });

  it('keeps every item\'s result as it is, in item order, and enters the raising Map only when the Choice cannot tell', async () => {
    // GIVEN two items that both succeed (more than the one the Choice checks), and one item that succeeds
    const both = await run([
      { az: 'a', ms: 50 },
      { az: 'b', ms: 0 },
    ]);
    const one = await run([{ az: 'a', ms: 0 }]);
    // THEN both succeed with the tasks' results untouched; the raising Map checked the two items, and with one
    // item the Choice alone let it through
    expect([both.run.status, (both.run.output as { created: unknown }).created, timesEntered(both.run, 'RaiseFirstError')]).toEqual([
      'SUCCEEDED',
      [{ natGatewayId: 'nat-a' }, { natGatewayId: 'nat-b' }],
      1,
    ]);
    expect([one.run.status, (one.run.output as { created: unknown }).created, timesEntered(one.run, 'RaiseFirstError')]).toEqual(['SUCCEEDED', [{ natGatewayId: 'nat-a' }], 0]);
  });
});
