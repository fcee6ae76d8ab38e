import { guideOrder } from '../../bench/critical-path';
import { retryDelay, simulate, type SimModel, type SimNode, type SimTask } from '../../bench/simulation';
import { planOfRun } from '../../bench/simulation-plan';
import type { TaskInvocation } from '../../bench/traced-tasks';
import type { AslDefinition } from '../../statemachine/definition';
import type { EventLog } from '../../statemachine/local-runner';

/** Every call 1 s, nothing else costs time: durations read as call counts. */
function model(overrides: Partial<SimModel> = {}): SimModel {
  return { callMs: () => 1000, stateTransitionMs: 0, invokeOverheadMs: 0, coldStartMs: 0, gates: [], retryGates: [], ...overrides };
}

const task = (name: string, ...actions: string[]): SimTask => ({ kind: 'task', task: name, actions });

describe('bench simulation: a virtual clock over an execution', () => {
  it('a sequence takes the sum of its steps', () => {
    const result = simulate([task('A', 'ec2:CreateVpc'), task('B', 'ec2:CreateSubnet', 'ec2:CreateSubnet'), { kind: 'wait', name: 'W', seconds: 5 }], model());
    expect(result.totalMs).toBe(8000);
    expect(result.invocations.map((invocation) => [invocation.task, invocation.startMs, invocation.durationMs])).toEqual([
      ['A', 0, 1000],
      ['B', 1000, 2000],
    ]);
  });

  it('a Parallel takes its longest branch, a Map its longest iteration', () => {
    const parallel: SimNode = { kind: 'parallel', name: 'P', branches: [[task('A', 'x:1')], [task('B', 'x:1', 'x:2', 'x:3')], []] };
    const map: SimNode = { kind: 'map', name: 'M', iterations: [[task('C', 'x:1', 'x:2')], [task('C', 'x:1')]] };
    const result = simulate([parallel, map, task('D', 'x:1')], model());
    expect(result.totalMs).toBe(3000 + 2000 + 1000);
    expect(result.spans.map((span) => [span.step, span.startMs, span.endMs, span.laneEndsMs])).toEqual([
      ['P', 0, 3000, [1000, 3000, 0]],
      ['M', 3000, 5000, [5000, 4000]],
      ['D', 5000, 6000, undefined],
    ]);
  });

  it('counts a transition per state entered, and a cold start only on the first invocation of each task', () => {
    const result = simulate([task('A'), { kind: 'state', name: 'S' }, task('A'), task('B')], model({ stateTransitionMs: 10, invokeOverheadMs: 100, coldStartMs: 500 }));
    expect(result.transitions).toBe(4);
    expect(result.invocations.map((invocation) => [invocation.task, invocation.cold, invocation.durationMs])).toEqual([
      ['A', true, 600],
      ['A', false, 100],
      ['B', true, 600],
    ]);
    expect(result.totalMs).toBe(10 + 600 + 10 + 10 + 100 + 10 + 600);
  });

  it('a wait loop iterates until the pending time after the opening call is covered', () => {
    // GIVEN a NAT that stays pending 100 s after CreateNatGateway returns (at t = 1 s)
    const gates = [{ gate: 'nat', openedBy: 'ec2:CreateNatGateway', pendingMs: 100_000 }];
    const poll: SimNode = {
      kind: 'poll',
      gate: 'nat',
      check: task('Check', 'ec2:DescribeNatGateways'),
      decide: { kind: 'state', name: 'Ready?' },
      loop: [{ kind: 'wait', name: 'Wait', seconds: 15 }, { kind: 'state', name: 'Count' }],
      maxIterations: 40,
    };
    // WHEN checks run at t = 2, 18, 34, ... (1 s each, 15 s apart)
    const result = simulate([task('Create', 'ec2:CreateNatGateway'), poll], model({ gates }));
    // THEN the first check ending at or after t = 101 s is the one after the 7th wait (2 + 6 * 16 = 98 < 101 <= 2 + 7 * 16)
    expect(result.pollIterations).toEqual({ nat: 7 });
    expect(result.totalMs).toBe(1000 + 1000 + 7 * 16_000);
    expect(result.exhausted).toEqual([]);
  });

  it('fails the poll as exhausted when the pending time outlasts its bound', () => {
    const gates = [{ gate: 'nat', openedBy: 'x:Create', pendingMs: 1_000_000 }];
    const poll: SimNode = { kind: 'poll', gate: 'nat', check: task('Check', 'x:Describe'), decide: { kind: 'state', name: 'D' }, loop: [{ kind: 'wait', name: 'W', seconds: 10 }], maxIterations: 3 };
    const result = simulate([task('Create', 'x:Create'), poll], model({ gates }));
    expect(result.pollIterations).toEqual({ nat: 3 });
    expect(result.exhausted).toEqual(['poll nat']);
  });

  it('retries a task whose call AWS refuses while a gate is shut, with the back-off, without restarting the gate', () => {
    // GIVEN IAM propagation of 10 s after AttachRolePolicy, and UpdateFunctionConfiguration refused until then
    const retryGates = [
      { gate: 'iam', task: 'Attach', action: 'lambda:UpdateFunctionConfiguration', when: 'refused' as const, maxAttempts: 8, retryDelayMs: (attempt: number) => retryDelay({ intervalSeconds: 4, backoffRate: 1.5, fullJitter: false }, attempt) },
    ];
    const gates = [
      { gate: 'iam', openedBy: 'iam:AttachRolePolicy', pendingMs: 10_000 },
      { gate: 'update', openedBy: 'lambda:UpdateFunctionConfiguration', pendingMs: 0 },
    ];
    const result = simulate([task('Attach', 'iam:AttachRolePolicy', 'lambda:UpdateFunctionConfiguration')], model({ gates, retryGates }));
    // attempt 0: attach ends at 1 s (gate opens at 11 s), update refused at 2 s; wait 4 s
    // attempt 1: 6..8 s, refused; wait 6 s; attempt 2: 14..16 s, accepted
    expect(result.retries).toEqual({ Attach: 2 });
    expect(result.invocations.map((invocation) => [invocation.attempt, invocation.startMs, invocation.durationMs])).toEqual([
      [0, 0, 2000],
      [1, 6000, 2000],
      [2, 14_000, 2000],
    ]);
    expect(result.totalMs).toBe(16_000);
    // Step Functions bills each retry as a transition too
    expect(result.transitions).toBe(1 + 2);
  });

  it("retries a task that finds its new resource not ready after the call ('after')", () => {
    const retryGates = [{ gate: 'probe', task: 'Probe', action: 'lambda:CreateFunction', when: 'after' as const, maxAttempts: 20, retryDelayMs: () => 5000 }];
    const gates = [{ gate: 'probe', openedBy: 'lambda:CreateFunction', pendingMs: 3000 }];
    const result = simulate([task('Probe', 'lambda:CreateFunction', 'lambda:Invoke')], model({ gates, retryGates }));
    // attempt 0 fails at 1 s (ready at 4 s); attempt 1 starts at 6 s and passes: 6 + 2 = 8 s
    expect(result.retries).toEqual({ Probe: 1 });
    expect(result.totalMs).toBe(8000);
  });

  it('takes FULL jitter at its mean and caps the delay at MaxDelaySeconds', () => {
    expect(retryDelay({ intervalSeconds: 5, backoffRate: 1.5, maxDelaySeconds: 30, fullJitter: true }, 0)).toBe(2500);
    expect(retryDelay({ intervalSeconds: 5, backoffRate: 2, maxDelaySeconds: 30, fullJitter: false }, 4)).toBe(30_000);
  });
});

describe('bench simulation plan: the traced run as simulation steps', () => {
  // GIVEN a definition shaped like provision.asl.json: a task, a Parallel of (Map of NAT creates; wait loop) and
  // (attach the function), then the route tables and the probe
  const definition: AslDefinition = {
    StartAt: 'ValidateRequest',
    States: {
      ValidateRequest: { Type: 'Task', Resource: '${ValidateRequestFunctionArn}', Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Next: 'EnsureRouteTables',
        Branches: [
          {
            StartAt: 'Creates',
            States: {
              Creates: { Type: 'Map', Next: 'Start', ItemProcessor: { StartAt: 'EnsureNatGateway', States: { EnsureNatGateway: { Type: 'Task', Resource: '${EnsureNatGatewayFunctionArn}', End: true } } } },
              Start: { Type: 'Pass', Result: { attempt: 0, maxAttempts: 40 }, Next: 'CheckNatGateways' },
              CheckNatGateways: { Type: 'Task', Resource: '${CheckNatGatewaysFunctionArn}', Next: 'Ready?' },
              'Ready?': { Type: 'Choice', Choices: [], Default: 'Wait' },
              Wait: { Type: 'Wait', Seconds: 15, Next: 'Count' },
              Count: { Type: 'Pass', Next: 'CheckNatGateways' },
              Done: { Type: 'Succeed' },
            },
          },
          { StartAt: 'AttachFunction', States: { AttachFunction: { Type: 'Task', Resource: '${AttachFunctionFunctionArn}', End: true } } },
        ],
      },
      EnsureRouteTables: { Type: 'Task', Resource: '${EnsureRouteTablesFunctionArn}', Next: 'RunProbe' },
      RunProbe: { Type: 'Task', Resource: '${RunProbeFunctionArn}', End: true },
    },
  };
  const entered = (name: string, index?: number): EventLog => ({ type: 'StateEntered', timestamp: 0, state: { name, type: 'Task', input: null }, ...(index === undefined ? {} : { index }) }) as EventLog;
  const invocation = (task: string, sequence: number, ...actions: string[]): TaskInvocation => ({ task, sequence, durationMs: 1, actions, calls: [] });
  // AND a run whose branches interleaved, whose check said "pending" once
  const events = ['ValidateRequest', 'Both', 'Creates', 'AttachFunction'].map((name) => entered(name));
  events.push(entered('EnsureNatGateway', 1), entered('EnsureNatGateway', 0));
  events.push(...['Start', 'CheckNatGateways', 'Ready?', 'Wait', 'Count', 'CheckNatGateways', 'Ready?', 'Done', 'EnsureRouteTables', 'RunProbe'].map((name) => entered(name)));
  const invocations = [
    invocation('ValidateRequest', 0, 'ec2:DescribeVpcs'),
    invocation('AttachFunction', 1, 'lambda:UpdateFunctionConfiguration'),
    invocation('EnsureNatGateway', 2, 'ec2:CreateNatGateway'),
    invocation('EnsureNatGateway', 3, 'ec2:CreateNatGateway'),
    invocation('CheckNatGateways', 4, 'ec2:DescribeNatGateways'),
    invocation('CheckNatGateways', 5, 'ec2:DescribeNatGateways'),
    invocation('EnsureRouteTables', 6, 'ec2:CreateRoute'),
    invocation('RunProbe', 7, 'lambda:Invoke'),
  ];
  const polls = [{ waitState: 'Wait', gate: 'nat' }];

  it('puts each state in its branch or iteration, and folds the recorded loop into one poll', () => {
    const plan = planOfRun(definition, events, invocations, polls);
    const nat: SimNode = { kind: 'task', task: 'EnsureNatGateway', actions: ['ec2:CreateNatGateway'] };
    expect(plan).toEqual([
      { kind: 'task', task: 'ValidateRequest', actions: ['ec2:DescribeVpcs'] },
      {
        kind: 'parallel',
        name: 'Both',
        branches: [
          [
            { kind: 'map', name: 'Creates', iterations: [[nat], [nat]] },
            { kind: 'state', name: 'Start' },
            {
              kind: 'poll',
              gate: 'nat',
              check: { kind: 'task', task: 'CheckNatGateways', actions: ['ec2:DescribeNatGateways'] },
              decide: { kind: 'state', name: 'Ready?' },
              loop: [{ kind: 'wait', name: 'Wait', seconds: 15 }, { kind: 'state', name: 'Count' }],
              maxIterations: 40,
            },
            { kind: 'state', name: 'Done' },
          ],
          [{ kind: 'task', task: 'AttachFunction', actions: ['lambda:UpdateFunctionConfiguration'] }],
        ],
      },
      { kind: 'task', task: 'EnsureRouteTables', actions: ['ec2:CreateRoute'] },
      { kind: 'task', task: 'RunProbe', actions: ['lambda:Invoke'] },
    ]);
  });

  it('folds a loop with a first wait of its own into one poll that takes the first wait once, then the short one', () => {
    // GIVEN a poll whose Choice sends attempt 0 to a long first Wait and later attempts to a short one (pollLoop)
    const adaptive: AslDefinition = {
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Result: { attempt: 0, maxAttempts: 181 }, Next: 'CheckNatGateways' },
        CheckNatGateways: { Type: 'Task', Resource: '${CheckNatGatewaysFunctionArn}', Next: 'Ready?' },
        'Ready?': { Type: 'Choice', Choices: [], Default: 'Wait' },
        FirstWait: { Type: 'Wait', Seconds: 60, Next: 'Count' },
        Wait: { Type: 'Wait', Seconds: 3, Next: 'Count' },
        Count: { Type: 'Pass', Next: 'CheckNatGateways' },
        Done: { Type: 'Succeed' },
      },
    };
    // AND a run whose check said "pending" twice
    const run = ['Start', 'CheckNatGateways', 'Ready?', 'FirstWait', 'Count', 'CheckNatGateways', 'Ready?', 'Wait', 'Count', 'CheckNatGateways', 'Ready?', 'Done'].map((name) => entered(name));
    const checks = [0, 1, 2].map((sequence) => invocation('CheckNatGateways', sequence, 'ec2:DescribeNatGateways'));
    // WHEN it becomes a plan
    const plan = planOfRun(adaptive, run, checks, [{ waitState: 'Wait', firstWaitState: 'FirstWait', gate: 'nat' }]);
    // THEN the three checks are one poll with both loops, bounded by the start's maxAttempts
    expect(plan[1]).toEqual({
      kind: 'poll',
      gate: 'nat',
      check: { kind: 'task', task: 'CheckNatGateways', actions: ['ec2:DescribeNatGateways'] },
      decide: { kind: 'state', name: 'Ready?' },
      firstLoop: [{ kind: 'wait', name: 'FirstWait', seconds: 60 }, { kind: 'state', name: 'Count' }],
      loop: [{ kind: 'wait', name: 'Wait', seconds: 3 }, { kind: 'state', name: 'Count' }],
      maxIterations: 181,
    });
    // AND the simulation waits 60 s the first time and 3 s after it: NAT created at 1 s, available at 66 s; checks
    // end at 2 s, 63 s (after the first wait) and 67 s (after one short wait)
    const simulated = simulate([task('EnsureNatGateway', 'ec2:CreateNatGateway'), ...plan], model({ gates: [{ gate: 'nat', openedBy: 'ec2:CreateNatGateway', pendingMs: 65_000 }] }));
    expect(simulated.pollIterations.nat).toBe(2);
    expect(simulated.totalMs).toBe(67_000);
  });

  it("orders the same steps as the AWS guide: the whole network (its wait included), then the function, then the test", () => {
    const guide = guideOrder(planOfRun(definition, events, invocations, polls));
    const names = guide.map((node) => (node.kind === 'task' ? node.task : node.kind === 'poll' ? `poll ${node.check.task}` : node.name));
    expect(names).toEqual(['ValidateRequest', 'Both', 'Creates', 'EnsureNatGateway', 'EnsureNatGateway', 'Start', 'poll CheckNatGateways', 'Done', 'EnsureRouteTables', 'AttachFunction', 'RunProbe']);
    // AND nothing overlaps any more: the guide's order takes longer by the attach (1 s, no longer hidden behind the
    // NAT wait) and the second NAT creation (1 s, no longer beside the first)
    const gates = [{ gate: 'nat', openedBy: 'ec2:CreateNatGateway', pendingMs: 60_000 }];
    const ours = simulate(planOfRun(definition, events, invocations, polls), model({ gates }));
    const sequential = simulate(guide, model({ gates }));
    expect(sequential.totalMs - ours.totalMs).toBe(2000);
  });

  it('fails when the trace has invocations no state accounts for (a retried task)', () => {
    expect(() => planOfRun(definition, events, [...invocations, invocation('AttachFunction', 8)], [])).toThrow(/no state entry accounts for/);
  });
});
