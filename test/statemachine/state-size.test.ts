import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunOptions, type LocalRunResult } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { createSampleFunction } from '../../local/sample-function';
import { definitionsValidated } from '../support/validated-definitions';

jest.setTimeout(180_000);

/**
 * Step Functions fails an execution with States.DataLimitExceeded, a terminal error no Catch (not even States.ALL)
 * catches, when a state's input or output is over 256 KiB of UTF-8
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-data-limit-exceed,
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html): a state that outgrew it would end the
 * run with nothing rolled back. The local interpreter does not enforce it, so this measures the largest states of the
 * largest networks a request can ask for (5 AZs: the Elastic IP quota's default and the AZs that offer t4g.nano).
 */
const STATE_LIMIT_BYTES = 256 * 1024;

interface StateData {
  readonly name: string;
  readonly input?: unknown;
  readonly output?: unknown;
}

interface Largest {
  bytes: number;
  where: string;
}

/** Watches every state's input and output as the interpreter hands them on. */
function largestState(): { onEvent: NonNullable<LocalRunOptions['onEvent']>; largest: Largest } {
  const largest: Largest = { bytes: 0, where: '' };
  return {
    largest,
    onEvent: (event) => {
      const seen = event as { type: string; input?: unknown; output?: unknown; state?: StateData; parentState?: StateData };
      const parts: Array<[string, unknown]> = [
        [`execution ${seen.type}`, seen.input ?? seen.output],
        ...[seen.state, seen.parentState].flatMap((state): Array<[string, unknown]> => (state ? [[`${state.name} input`, state.input], [`${state.name} output`, state.output]] : [])),
      ];
      for (const [where, value] of parts) {
        if (value === undefined) continue;
        const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
        if (bytes > largest.bytes) Object.assign(largest, { bytes, where });
      }
    },
  };
}

let releases = 0;
function release(functionName: string, onEvent: LocalRunOptions['onEvent']): Promise<LocalRunResult> {
  releases += 1;
  return runLocally(
    { functionName, teardownIfUnused: true },
    { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `size-release-${process.pid}-${releases}`, skipWaits: true, skipRetryIntervals: true, definitionValidated: definitionsValidated(), ...(onEvent ? { onEvent } : {}) },
  );
}

const LARGEST_NETWORKS = [
  ['5 AZs, per-AZ NAT gateways, IPv6, NAT alarms', { name: 'wide', azCount: 5, ipv6: true, alarms: true }],
  ['5 AZs of NAT instances', { name: 'wide-instances', azCount: 5, natGateways: 'instance' }],
] as const;

describe('the states of the largest networks stay under Step Functions\' 256 KiB', () => {
  it.each(LARGEST_NETWORKS)('%s: a provision rolled back, a provision, and a release that tears the network down', async (label, network) => {
    // GIVEN a function, and a state watcher on every run
    const { functionName } = await freshAccountWithFunction('orders-api');
    const watched = largestState();
    // WHEN a provision of the network fails its probe and rolls back, then the network is provisioned, and the function released with the teardown
    await createSampleFunction('billing-api');
    await queueProbeAnswers({ url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } });
    const failed = await provision({ functionName: 'billing-api', network }, { onEvent: watched.onEvent });
    expect([failed.status, timesEntered(failed, 'Rollback')]).toEqual(['FAILED', 1]);
    await queueProbeAnswers(passingProbe());
    const built = await provision({ functionName, network }, { onEvent: watched.onEvent });
    expect([built.status, built.error]).toEqual(['SUCCEEDED', undefined]);
    const released = await release(functionName, watched.onEvent);
    expect(released.status).toBe('SUCCEEDED');
    // THEN no state of any of the runs came near the limit
    expect(watched.largest.bytes).toBeGreaterThan(0);
    expect({ ...watched.largest, under: watched.largest.bytes < STATE_LIMIT_BYTES }).toEqual({ ...watched.largest, under: true });
    process.stdout.write(`${label}: largest state ${watched.largest.bytes} bytes (${watched.largest.where}) of ${STATE_LIMIT_BYTES}\n`);
  });

});
