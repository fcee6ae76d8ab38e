import type { EventLog } from '../../statemachine/local-runner';
import { createProgressRenderer, formatDuration } from '../../cli/progress';
import { stepEventOfLocal, StepTracker, type StepEvent } from '../../cli/steps';

/** A stream that keeps what is written, as a terminal or as a pipe. */
function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, columns: 100, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

const local = (type: string, name: string, stateType: string, timestamp: number, extra: Record<string, unknown> = {}): EventLog =>
  ({ type, timestamp, state: { name, type: stateType, input: {} }, ...extra }) as unknown as EventLog;

/** The local interpreter's events for: ValidateRequest, EnsureVpc failing once and retried, a Choice, two Map iterations. */
const EVENTS: EventLog[] = [
  { type: 'ExecutionStarted', timestamp: 0, input: {} } as EventLog,
  local('StateEntered', 'ValidateRequest', 'Task', 0),
  local('StateExited', 'ValidateRequest', 'Task', 120),
  local('StateEntered', 'NetworkMode?', 'Choice', 120),
  local('StateExited', 'NetworkMode?', 'Choice', 121),
  local('StateEntered', 'EnsureVpc', 'Task', 121),
  local('StateFailed', 'EnsureVpc', 'Task', 200, { Error: 'ThrottlingException', Cause: 'Rate exceeded' }),
  local('StateRetried', 'EnsureVpc', 'Task', 201, { retry: { retrier: {}, attempt: 1 } }),
  local('StateExited', 'EnsureVpc', 'Task', 450),
  local('StateEntered', 'EnsureNatGateway', 'Task', 450, { index: 0 }),
  local('StateEntered', 'EnsureNatGateway', 'Task', 451, { index: 1 }),
  local('StateExited', 'EnsureNatGateway', 'Task', 900, { index: 0 }),
  local('StateExited', 'EnsureNatGateway', 'Task', 1_300, { index: 1 }),
];

const stepEvents = (events: EventLog[]): StepEvent[] => events.map(stepEventOfLocal).filter((event): event is StepEvent => event !== undefined);

describe('progress of the workflow', () => {
  it('keeps Task and Wait states as steps, with runs, retries and the time from first entry to last exit', () => {
    // GIVEN the local interpreter's events
    const tracker = new StepTracker();
    // WHEN they are folded into steps
    stepEvents(EVENTS).forEach((event) => tracker.apply(event));
    // THEN the Choice is plumbing, the retry is counted, the Map's two iterations are one step
    expect(tracker.steps().map(({ name, status, runs, retries, startedAt, endedAt }) => ({ name, status, runs, retries, ms: (endedAt ?? 0) - startedAt }))).toEqual([
      { name: 'ValidateRequest', status: 'done', runs: 1, retries: 0, ms: 120 },
      { name: 'EnsureVpc', status: 'done', runs: 1, retries: 1, ms: 329 },
      { name: 'EnsureNatGateway', status: 'done', runs: 2, retries: 0, ms: 850 },
    ]);
  });

  it('keeps a caught failure failed after its state exits, and a step without exit running', () => {
    const tracker = new StepTracker();
    tracker.apply({ kind: 'entered', step: 'RunProbe', at: 0 });
    tracker.apply({ kind: 'failed', step: 'RunProbe', at: 10, error: 'ProbeFailed' });
    tracker.apply({ kind: 'exited', step: 'RunProbe', at: 11 });
    tracker.apply({ kind: 'entered', step: 'Rollback', at: 12 });
    expect(tracker.steps().map((step) => [step.name, step.status, step.error])).toEqual([
      ['RunProbe', 'failed', 'ProbeFailed'],
      ['Rollback', 'running', undefined],
    ]);
    expect(tracker.running().map((step) => step.name)).toEqual(['Rollback']);
  });

  it('prints plain lines when not a terminal: first start, each completion, each failure and retry, no escape codes', () => {
    const out = stream(false);
    let clock = 1_000;
    const progress = createProgressRenderer({ stream: out, env: {}, quiet: false, now: () => clock });
    for (const event of stepEvents(EVENTS)) {
      clock = 1_000 + event.at;
      progress.onEvent(event);
    }
    progress.finish();
    const lines = out.text().trimEnd().split('\n');
    expect(out.text()).not.toContain('\x1b');
    expect(lines).toEqual([
      expect.stringMatching(/^\[\s+0 ms\] ▸ ValidateRequest$/),
      expect.stringMatching(/^\[\s+120 ms\] ✔ ValidateRequest\s+120 ms$/),
      expect.stringMatching(/^\[\s+121 ms\] ▸ EnsureVpc$/),
      expect.stringMatching(/^\[\s+200 ms\] ✖ EnsureVpc\s+79 ms {2}ThrottlingException$/),
      expect.stringMatching(/^\[\s+201 ms\] ↻ EnsureVpc retry 1$/),
      expect.stringMatching(/^\[\s+450 ms\] ✔ EnsureVpc \(1 retry\)\s+329 ms$/),
      expect.stringMatching(/^\[\s+450 ms\] ▸ EnsureNatGateway$/),
      expect.stringMatching(/^\[\s+1\.3 s\] ✔ EnsureNatGateway ×2\s+850 ms$/),
    ]);
  });

  it('redraws a live list with a spinner on a terminal, in colour unless NO_COLOR is set', () => {
    const colored = stream(true);
    const progress = createProgressRenderer({ stream: colored, env: {}, quiet: false, now: () => 50 });
    progress.onEvent({ kind: 'entered', step: 'EnsureVpc', at: 0 });
    progress.onEvent({ kind: 'exited', step: 'EnsureVpc', at: 40 });
    progress.onEvent({ kind: 'entered', step: 'EnsureSubnets', at: 40 });
    progress.finish();
    // the second frame moves the cursor up over the first before drawing again
    expect(colored.text()).toContain('\x1b[1F');
    expect(colored.text()).toContain('\x1b[32m✔\x1b[39m EnsureVpc');
    expect(colored.text()).toMatch(/\x1b\[36m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\x1b\[39m EnsureSubnets/);

    const monochrome = stream(true);
    const plain = createProgressRenderer({ stream: monochrome, env: { NO_COLOR: '1' }, quiet: false, now: () => 50 });
    plain.onEvent({ kind: 'entered', step: 'EnsureVpc', at: 0 });
    plain.onEvent({ kind: 'exited', step: 'EnsureVpc', at: 40 });
    plain.finish();
    expect(monochrome.text()).toContain('✔ EnsureVpc');
    expect(monochrome.text()).not.toMatch(/\x1b\[\d+m/);
  });

  it('prints nothing when quiet', () => {
    const out = stream(true);
    const progress = createProgressRenderer({ stream: out, env: {}, quiet: true });
    progress.note('hello');
    progress.onEvent({ kind: 'entered', step: 'EnsureVpc', at: 0 });
    progress.finish();
    expect(out.text()).toBe('');
  });

  it('formats durations for people', () => {
    expect([formatDuration(42), formatDuration(1_250), formatDuration(125_000)]).toEqual(['42 ms', '1.3 s', '2 min 5 s']);
  });
});
