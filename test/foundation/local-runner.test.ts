import { join } from 'node:path';
import { FunctionUpdateInProgress, NatGatewayFailed, ProbeFailed } from '../../functions/shared/errors';
import { runLocally, type LocalTask } from '../../statemachine/local-runner';

const DEFINITION = join(__dirname, '..', 'fixtures', 'retry-catch-wait.asl.json');

function tasks(doomed: LocalTask): { calls: string[]; resolveTask: (name: string) => LocalTask } {
  const calls: string[] = [];
  let flakyAttempts = 0;
  const table: Record<string, LocalTask> = {
    Flaky: async () => {
      calls.push('Flaky');
      flakyAttempts += 1;
      if (flakyAttempts === 1) throw new FunctionUpdateInProgress('an update is in progress');
      return { attempts: flakyAttempts };
    },
    Doomed: async (input) => {
      calls.push('Doomed');
      return doomed(input);
    },
  };
  return {
    calls,
    resolveTask: (name) => {
      const task = table[name];
      if (!task) throw new Error(`unexpected task ${name}`);
      return task;
    },
  };
}

describe('local runner (aws-local-stepfunctions)', () => {
  it('retries a named error, skips a one-hour Wait, catches a named error, and passes the execution context', async () => {
    // GIVEN a task that throws FunctionUpdateInProgress once, and one that throws NatGatewayFailed
    const { calls, resolveTask } = tasks(async () => {
      throw new NatGatewayFailed('NAT nat-1 failed: Gateway.NotAttached');
    });
    const started = Date.now();
    // WHEN the definition runs with waits and retry intervals overridden
    const run = await runLocally({ request: 'x' }, {
      definitionPath: DEFINITION,
      resolveTask,
      executionName: 'exec-1',
      skipWaits: true,
      skipRetryIntervals: true,
    });
    // THEN it succeeds through the Catch path, without waiting the hour or the 30 s retry interval
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['Flaky', 'Flaky', 'Doomed']);
    const output = run.output as Record<string, unknown>;
    expect(output.flaky).toEqual({ attempts: 2 });
    expect(output.recovered).toBe('caught');
    expect(output.execution).toEqual({ id: run.executionArn, name: 'exec-1' });
    expect(run.executionArn).toMatch(/:execution:lambda-egress-provision:exec-1$/);
    // the Cause has Lambda's JSON shape, as on AWS
    const error = output.error as { Error: string; Cause: string };
    expect(error.Error).toBe('NatGatewayFailed');
    expect(JSON.parse(error.Cause)).toEqual({ errorType: 'NatGatewayFailed', errorMessage: 'NAT nat-1 failed: Gateway.NotAttached' });
    // and the event stream shows the retry, the wait and the catch
    const types = run.events.map((event) => `${event.type}${'state' in event ? `:${event.state.name}` : ''}`);
    expect(types).toContain('StateRetried:Flaky');
    expect(types).toContain('StateExited:Pause');
    expect(types).toContain('StateCaught:Doomed');
    expect(run.stateTransitions).toBe(types.filter((type) => type.startsWith('StateEntered')).length);
  });

  it('fails the execution with the task error name and cause when no Catch matches', async () => {
    const { resolveTask } = tasks(async () => {
      throw new ProbeFailed('GET https://aws.amazon.com/ timed out after 3 s');
    });
    const seen: string[] = [];
    const run = await runLocally({}, { definitionPath: DEFINITION, resolveTask, skipWaits: true, skipRetryIntervals: true, onEvent: (event) => seen.push(event.type) });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('ProbeFailed');
    expect(JSON.parse(run.cause ?? '{}')).toMatchObject({ errorType: 'ProbeFailed' });
    expect(seen).toContain('ExecutionFailed');
  });
});
