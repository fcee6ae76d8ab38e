import { measureLifecycle } from '../../bench/lifecycle';
import { readLatencyProfile } from '../../bench/latency-profile';
import { emulator } from '../../local/test-support/emulator-control';
import type { IsolatedEmulator } from '../../local/test-support/proxied-emulator';

/** This file's emulator as the bench's own (bench/run.ts starts one with startIsolatedEmulator). */
function thisFilesEmulator(): IsolatedEmulator {
  const proxyEndpoint = process.env.LAMBDA_EGRESS_TEST_ENDPOINT;
  if (!proxyEndpoint) throw new Error('run through jest: the emulator is not set up');
  return { motoEndpoint: emulator.motoEndpoint(), proxyEndpoint, motoPid: 0, region: 'us-east-1', stop: () => Promise.resolve() };
}

describe('bench section 7 (npm run bench -- --lifecycle), on this file\'s emulator', () => {
  // It once failed on every run (the bench gave the tasks no ENI cleanup role) and nothing noticed.
  it('releases and tears down a provisioned network; the teardown waits for the in-use ENI and a waiting pass repeats no delete', async () => {
    const bench = await measureLifecycle(thisFilesEmulator(), readLatencyProfile());
    expect(bench.release.mutatingByTask.RestoreFunction).toEqual(expect.arrayContaining(['lambda:UpdateFunctionConfiguration']));
    expect(bench.teardown.passes).toBe(3);
    const [first, waiting, last] = bench.teardown.mutatingPerPass as [number, number, number];
    expect(waiting).toBeLessThan(first);
    expect(waiting).toBeLessThan(last);
    expect(bench.teardownTime.map((level) => level.exhausted)).toEqual([false, false, false]);
  }, 120_000);
});
