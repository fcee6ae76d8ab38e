import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * GetExecutionHistory of a failed provision as Step Functions records it for Lambda-ARN Tasks: ValidateRequest,
 * EnsureVpc throttled once and retried, RunProbe failing ProbeFailed (caught), Rollback with its report.
 */
export function failedProvisionHistory(): HistoryEvent[] {
  let id = 0;
  const t0 = Date.UTC(2024, 5, 1, 12, 0, 0);
  const events: HistoryEvent[] = [];
  const add = (seconds: number, type: string, previousEventId: number, details: Partial<HistoryEvent> = {}): number => {
    id += 1;
    events.push({ id, previousEventId, timestamp: new Date(t0 + seconds * 1000), type: type as HistoryEvent['type'], ...details });
    return id;
  };
  const task = (start: number, name: string, previous: number, outcome: Array<'fail' | 'ok'>, output = '{}'): number => {
    let last = add(start, 'TaskStateEntered', previous, { stateEnteredEventDetails: { name, input: '{}' } });
    let clock = start;
    for (const attempt of outcome) {
      last = add(clock, 'LambdaFunctionScheduled', last, { lambdaFunctionScheduledEventDetails: { resource: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, input: '{}' } });
      last = add(clock + 0.1, 'LambdaFunctionStarted', last);
      clock += 1;
      last =
        attempt === 'ok'
          ? add(clock, 'LambdaFunctionSucceeded', last, { lambdaFunctionSucceededEventDetails: { output } })
          : add(clock, 'LambdaFunctionFailed', last, {
              lambdaFunctionFailedEventDetails: name === 'RunProbe'
                ? { error: 'ProbeFailed', cause: JSON.stringify({ errorType: 'ProbeFailed', errorMessage: 'GET https://aws.amazon.com/ timed out after 3 s' }) }
                : { error: 'ThrottlingException', cause: '{"errorType":"ThrottlingException","errorMessage":"Rate exceeded"}' },
            });
    }
    return add(clock, 'TaskStateExited', last, { stateExitedEventDetails: { name, output } });
  };
  let last = add(0, 'ExecutionStarted', 0, { executionStartedEventDetails: { input: '{"functionName":"orders"}' } });
  last = task(0, 'ValidateRequest', last, ['ok']);
  last = add(1, 'ChoiceStateEntered', last, { stateEnteredEventDetails: { name: 'NetworkMode?' } });
  last = add(1, 'ChoiceStateExited', last, { stateExitedEventDetails: { name: 'NetworkMode?' } });
  last = task(1, 'EnsureVpc', last, ['fail', 'ok']);
  last = task(10, 'RunProbe', last, ['fail']);
  const report = { executionId: 'exec', originalError: { Error: 'ProbeFailed' }, steps: [{ kind: 'vpc', id: 'vpc-0a1', outcome: 'deleted' }] };
  last = task(12, 'Rollback', last, ['ok'], JSON.stringify({ error: {}, rollback: report }));
  last = add(20, 'FailStateEntered', last, { stateEnteredEventDetails: { name: 'RolledBack' } });
  add(20, 'ExecutionFailed', last, {
    executionFailedEventDetails: { error: 'ProbeFailed', cause: JSON.stringify({ errorType: 'ProbeFailed', errorMessage: 'GET https://aws.amazon.com/ timed out after 3 s' }) },
  });
  return events;
}
