import { SCENARIOS, type ScenarioName } from '../support/scenarios';
import { underRealism } from '../support/realism-suite';

/** Seeds each scenario runs under: two, so the windows and the transient errors fall on different calls. */
export const SEEDS = [7, 2026] as const;

/**
 * Each scenario, under the realism profile with each seed, ends as on plain moto: succeeded, the same managed
 * resources (nothing duplicated), nothing of the network left after a release + teardown; and AWS's behaviours
 * did answer (a run the profile never touched would prove nothing).
 */
export function describeRealismScenarios(names: readonly ScenarioName[]): void {
  describe('as AWS behaves (realism profile): ends as on plain moto', () => {
    it.each(names.flatMap((name) => SEEDS.map((seed) => [SCENARIOS[name].name, seed, name] as const)))(
      '%s, seed %d',
      async (_label, seed, name) => {
        // GIVEN the scenario's account, prepared on plain moto; WHEN its workflow runs as AWS behaves
        const { wrong, behaviours } = await underRealism(name, seed);
        // THEN it ends as its clean run on plain moto, after meeting the profile's behaviours
        expect(wrong).toBeUndefined();
        expect(behaviours).toEqual(expect.arrayContaining(['transient-5xx']));
        expect(behaviours.length).toBeGreaterThanOrEqual(2);
      },
      5 * 60_000,
    );
  });
}
