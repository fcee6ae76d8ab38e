import { acquireNetworkLock } from '../../functions/membership/acquire-network-lock';
import { logger } from '../../functions/shared/logger';
import { LOCK_WAITS_METRIC, METRIC_NAMESPACE } from '../../functions/shared/metrics';
import { execution, freshRegistry, requestFor } from '../support/registry-fixture';

/**
 * CloudWatch's extraction of embedded metrics from a function's log cannot run here: the test observes the log
 * record the waiting task writes (jest.spyOn on the product's logger, the call passed through).
 */
describe('the LockWaits metric (observed: the logger)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs one embedded-metric record LambdaEgress/LockWaits = 1 (dimension Network) per wait, and none when the lock is taken', async () => {
    // GIVEN execution a holds network "shared"
    const registry = await freshRegistry();
    const info = jest.spyOn(logger, 'info');
    await acquireNetworkLock(registry, { execution: execution('a'), request: requestFor('orders') });
    expect(info).not.toHaveBeenCalled();
    // WHEN execution b tries twice and waits
    for (const attempt of [0, 1]) await acquireNetworkLock(registry, { execution: execution('b'), request: requestFor('billing'), lock: { attempt } });
    // THEN two records, each one data point of the metric the dashboard searches for, naming the holder
    expect(info).toHaveBeenCalledTimes(2);
    const [message, record] = info.mock.calls[0] as [string, Record<string, unknown>];
    expect(message).toBe('waiting for the network lock');
    expect(record).toMatchObject({
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Network']], Metrics: [{ Name: LOCK_WAITS_METRIC, Unit: 'Count' }] }] },
      Network: 'shared',
      [LOCK_WAITS_METRIC]: 1,
      holder: execution('a').id,
    });
  });
});
