import { cleanRun, failedFor, throttledOnce } from './fault-suite';
import { createModeWithIpv6 as scenario } from './scenarios';

describe(`fault suite: ${scenario.name}`, () => {
  it('survives a throttling error on every mutating call without duplicates, and rolls back completely after a non-retryable error on each', async () => {
    // GIVEN the mutating calls of a clean run, counted in this same test
    const clean = await cleanRun(scenario);
    const problems: string[] = [];
    let covered = 0;
    // WHEN each one is (a) throttled once, (b) failed for good, each in a fresh account
    for (const call of clean.mutating) {
      const throttled = await throttledOnce(scenario, call, clean.inventory);
      const failed = await failedFor(scenario, call);
      problems.push(...[throttled, failed].filter((problem): problem is string => problem !== undefined));
      covered += 1;
    }
    console.info(`fault suite (${scenario.name}): ${covered} of ${clean.mutating.length} mutating calls covered`);
    // THEN every execution behaved
    expect(problems).toEqual([]);
    expect(covered).toBe(clean.mutating.length);
    expect(covered).toBeGreaterThanOrEqual(10);
  }, 20 * 60_000);
});
