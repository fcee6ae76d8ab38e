import { TEARDOWN_MAX_ATTEMPTS } from '../../functions/teardown/teardown-ledger';
import { allStates, readDefinitionText, PROVISION_DEFINITION_PATH, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH, type AslDefinition, type AslState } from '../../statemachine/definition';

/** Lambda's Hyperplane ENIs can take up to 45 minutes to go (Terraform's aws_lambda_function waits 45 min). */
const ENI_RELEASE_HIGH_SECONDS = 45 * 60;

interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxAttempts?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

const definitionAt = (path: string) => JSON.parse(readDefinitionText(path)) as AslDefinition;
const stateNamed = (definition: AslDefinition, name: string): AslState => {
  const found = allStates(definition).find(([candidate]) => candidate === name)?.[1];
  if (!found) throw new Error(`no state ${name}`);
  return found;
};

/**
 * The least a Retry entry can wait in all before it gives up, as the Step Functions guide defines its fields
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): retry n waits
 * IntervalSeconds x BackoffRate^(n-1), capped at MaxDelaySeconds; FULL jitter picks a delay between 0 and that,
 * so its minimum is 0; defaults 1 s, 2.0, 3 attempts.
 */
function minimumTotalWaitSeconds(retrier: Retrier): number {
  if (retrier.JitterStrategy === 'FULL') return 0;
  let total = 0;
  for (let retry = 0; retry < (retrier.MaxAttempts ?? 3); retry += 1) {
    const delay = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** retry;
    total += Math.min(delay, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  }
  return total;
}

describe("Rollback's and teardown's wait for Lambda's ENIs: a minimum total of 45 minutes, read from the generated ASL", () => {
  it("GIVEN provision.asl.json's Rollback, WHEN its ResourceStillInUse retrier is summed at its shortest, THEN it waits at least 45 minutes before RollbackIncomplete", () => {
    const rollback = stateNamed(definitionAt(PROVISION_DEFINITION_PATH), 'Rollback');
    const retrier = (rollback.Retry as readonly Retrier[] | undefined)?.find((entry) => entry.ErrorEquals.includes('ResourceStillInUse'));
    expect(retrier).toBeDefined();
    const minimum = minimumTotalWaitSeconds(retrier!);
    expect({ minimum, atLeast45Minutes: minimum >= ENI_RELEASE_HIGH_SECONDS }).toEqual({ minimum: expect.any(Number), atLeast45Minutes: true });
  });

  it('GIVEN a FULL-jittered retrier, WHEN summed at its shortest, THEN its minimum is zero (why the ENI wait uses no jitter)', () => {
    const asInTheAsl = { ErrorEquals: ['ResourceStillInUse'], IntervalSeconds: 15, BackoffRate: 1.5, MaxAttempts: 60, MaxDelaySeconds: 60 };
    expect([minimumTotalWaitSeconds({ ...asInTheAsl, JitterStrategy: 'FULL' }), minimumTotalWaitSeconds({ ...asInTheAsl, JitterStrategy: 'NONE' })]).toEqual([0, 15 + 22.5 + 33.75 + 50.625 + 56 * 60]);
  });

  it.each([
    ['teardown.asl.json', TEARDOWN_DEFINITION_PATH],
    ['release.asl.json (teardownIfUnused)', RELEASE_DEFINITION_PATH],
  ])("GIVEN %s's teardown loop, WHEN its Wait is summed over the passes TeardownNetwork allows, THEN it waits at least 45 minutes before TeardownTimeout", (_name, path) => {
    const definition = definitionAt(path);
    // The loop: TeardownNetwork -> NetworkGone? -> (not yet) WaitForTeardown -> TeardownNetwork; nothing else shortens it.
    const choice = stateNamed(definition, 'NetworkGone?');
    const wait = stateNamed(definition, 'WaitForTeardown');
    expect([choice.Default, wait.Type, wait.Next]).toEqual(['WaitForTeardown', 'Wait', 'TeardownNetwork']);
    expect(typeof wait.Seconds).toBe('number');
    // TeardownNetwork's own passes (its TeardownTimeout comes on pass TEARDOWN_MAX_ATTEMPTS): one Wait between two passes.
    const minimum = (TEARDOWN_MAX_ATTEMPTS - 1) * (wait.Seconds as number);
    expect({ minimum, atLeast45Minutes: minimum >= ENI_RELEASE_HIGH_SECONDS }).toEqual({ minimum: expect.any(Number), atLeast45Minutes: true });
  });
});
