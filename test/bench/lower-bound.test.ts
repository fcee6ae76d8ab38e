import { modelOf, pollLoopsOf } from '../../bench/critical-path';
import { HYPERPLANE_ENIS, levelOf, readLatencyProfile, type LatencyLevel } from '../../bench/latency-profile';
import { egressGapMs, lowerBound } from '../../bench/lower-bound';
import { simulate, type GateRule, type SimModel, type SimNode, type SimTask } from '../../bench/simulation';
import type { AslDefinition } from '../../statemachine/definition';

const task = (name: string, ...actions: string[]): SimTask => ({ kind: 'task', task: name, actions });
const poll = (gate: string, check: string, action: string, waitSeconds: number): SimNode => ({
  kind: 'poll',
  gate,
  check: task(check, action),
  decide: { kind: 'state', name: `${check}?` },
  loop: [{ kind: 'wait', name: `WaitFor${check}`, seconds: waitSeconds }],
  maxIterations: 100,
});

/** NAT 100 s, first Hyperplane ENIs 40 s (5 s onto existing ones), IAM 10 s; every call 1 s. */
const GATES: GateRule[] = [
  { gate: 'nat-gateway-available', openedBy: 'ec2:CreateNatGateway', pendingMs: 100_000 },
  { gate: 'function-vpc-update', openedBy: 'lambda:UpdateFunctionConfiguration', pendingMs: 40_000, sharesEnis: { group: HYPERPLANE_ENIS, reusePendingMs: 5000 } },
  { gate: 'probe-function-active', openedBy: 'lambda:CreateFunction', pendingMs: 40_000, sharesEnis: { group: HYPERPLANE_ENIS, reusePendingMs: 5000 } },
  { gate: 'iam-propagation', openedBy: 'iam:AttachRolePolicy', pendingMs: 10_000 },
];
const model: SimModel = { callMs: () => 1000, stateTransitionMs: 0, invokeOverheadMs: 0, coldStartMs: 0, gates: GATES, retryGates: [] };

/** Today's order: the function moves beside the NAT wait; routes and the probe (created after the function) follow. */
const OLD_ORDER: SimNode[] = [
  {
    kind: 'parallel',
    name: 'NatGatewaysAndFunction',
    branches: [
      [task('EnsureNatGateway', 'ec2:CreateNatGateway'), poll('nat-gateway-available', 'CheckNatGateways', 'ec2:DescribeNatGateways', 15)],
      [task('AttachFunction', 'iam:AttachRolePolicy', 'lambda:UpdateFunctionConfiguration'), poll('function-vpc-update', 'CheckFunctionUpdate', 'lambda:GetFunctionConfiguration', 5)],
    ],
  },
  task('EnsureRouteTables', 'ec2:CreateRoute'),
  task('RunProbe', 'lambda:CreateFunction', 'lambda:Invoke'),
];

/** Issue 13's order: the probe function pays the ENIs inside the Parallel; the function moves last. */
const NEW_ORDER: SimNode[] = [
  {
    kind: 'parallel',
    name: 'PrepareInParallel',
    branches: [
      [task('EnsureNatGateway', 'ec2:CreateNatGateway'), poll('nat-gateway-available', 'CheckNatGateways', 'ec2:DescribeNatGateways', 15)],
      [task('EnsureProbeFunction', 'lambda:CreateFunction'), poll('probe-function-active', 'CheckProbeFunction', 'lambda:GetFunctionConfiguration', 5)],
      [task('AttachVpcAccessPolicy', 'iam:AttachRolePolicy')],
    ],
  },
  task('EnsureRouteTables', 'ec2:CreateRoute'),
  task('RunProbe', 'lambda:Invoke'),
  task('AttachFunction', 'lambda:UpdateFunctionConfiguration'),
  poll('function-vpc-update', 'CheckFunctionUpdate', 'lambda:GetFunctionConfiguration', 5),
];

describe('bench lower bound: the longest chain of waits AWS imposes, from the latency profile', () => {
  const level = (overrides: Partial<Record<string, number>> = {}): LatencyLevel => ({
    level: 'typical',
    stateTransitionMs: 25,
    invokeOverheadMs: 30,
    coldStartMs: 500,
    callMs: (action) => ({ 'ec2:CreateNatGateway': 300, 'lambda:CreateFunction': 700, 'iam:AttachRolePolicy': 200, 'ec2:CreateRoute': 150, 'lambda:Invoke': 1000, 'lambda:UpdateFunctionConfiguration': 250 })[action] ?? 0,
    gates: GATES.map((gate) => ({ ...gate, pendingMs: overrides[gate.gate] ?? gate.pendingMs })),
  });

  it('is the slowest of NAT pending, the probe Pending and IAM propagation, then a route, one probe invocation and the update onto existing ENIs', () => {
    // GIVEN NAT 100 s after a 0.3 s call, probe 40 s after 0.7 s, IAM 10 s after 0.2 s
    const bound = lowerBound(level());
    // THEN the NAT chain leads, followed by CreateRoute 0.15 + Invoke 1 + UpdateFunctionConfiguration 0.25 + reuse 5; no cold start, no transition
    expect(bound.terms.map((term) => term.ms)).toEqual([100_300, 150, 1000, 250, 5000]);
    expect(bound.totalMs).toBe(106_700);
    expect(bound.terms[0]!.what).toMatch(/NAT gateway pending/);
  });

  it('takes the probe function when its first Hyperplane ENIs outlast the NAT gateway', () => {
    const bound = lowerBound(level({ 'probe-function-active': 150_000 }));
    expect(bound.terms[0]).toEqual({ what: expect.stringMatching(/probe Pending/), ms: 150_700 });
    expect(bound.totalMs).toBe(150_700 + 150 + 1000 + 250 + 5000);
  });

  it('fails when the profile does not say that the target update reuses the ENIs', () => {
    const withoutReuse = level();
    const gates = withoutReuse.gates.map(({ sharesEnis: _shares, ...gate }) => gate);
    expect(() => lowerBound({ ...withoutReuse, gates })).toThrow(/hyperplaneEniReuse/);
  });

  it('is computed from bench/latency-profile.json at every level, below what any simulated order takes', () => {
    const profile = readLatencyProfile();
    for (const name of ['low', 'typical', 'high'] as const) {
      const latency = levelOf(profile, name);
      const bound = lowerBound(latency);
      const simulated = simulate(NEW_ORDER, { ...model, callMs: latency.callMs, gates: latency.gates });
      expect(bound.totalMs).toBeLessThan(simulated.totalMs);
    }
  });
});

describe('bench simulation: shared Hyperplane ENIs, the egress gap, adaptive polling', () => {
  it('makes the first function on the subnets/SG pay the ENI creation and the next one only the reuse', () => {
    const old = simulate(OLD_ORDER, model);
    const reordered = simulate(NEW_ORDER, model);
    // today: the target's update (ends at 2 s) waits 40 s; the probe created later waits 5 s
    expect(old.gatesOpenAtMs['function-vpc-update']).toBe(2000 + 40_000);
    expect(old.gatesOpenAtMs['probe-function-active']! - old.lastCallEndMs['lambda:CreateFunction']!).toBe(5000);
    // reordered: the probe (created at 1 s) waits 40 s; the target's update later waits 5 s
    expect(reordered.gatesOpenAtMs['probe-function-active']).toBe(1000 + 40_000);
    expect(reordered.gatesOpenAtMs['function-vpc-update']! - reordered.lastCallEndMs['lambda:UpdateFunctionConfiguration']!).toBe(5000);
  });

  it('measures the egress gap from the target update to the last of NAT available, routes and probe: positive today, 0 when the function moves last', () => {
    const old = simulate(OLD_ORDER, model);
    // NAT available at 101 s; its check ends at 114 s (1 + 7 x 16 + 1), routes at 115 s, probe invoked by 117 s; the function moved at 42 s
    expect(old.gatesOpenAtMs['nat-gateway-available']).toBe(101_000);
    expect(old.lastCallEndMs['lambda:Invoke']).toBe(117_000);
    expect(egressGapMs(old)).toBe(117_000 - 42_000);
    expect(egressGapMs(simulate(NEW_ORDER, model))).toBe(0);
    // a run that never updates the function has no gap to tell
    expect(egressGapMs(simulate([task('EnsureNatGateway', 'ec2:CreateNatGateway')], model))).toBeUndefined();
  });

  it('with a first wait of its own near the expected time and short polls after it, overshoots less than a fixed 15 s interval', () => {
    // GIVEN the same NAT poll twice: every wait 15 s, or a first wait of 90 s and then 5 s
    const natPoll = (firstLoop?: SimNode[], seconds = 15): SimNode[] =>
      NEW_ORDER.map((node) =>
        node.kind !== 'parallel'
          ? node
          : {
              ...node,
              branches: node.branches.map((branch) =>
                branch.map((step) => (step.kind === 'poll' && step.gate === 'nat-gateway-available' ? { ...step, ...(firstLoop ? { firstLoop } : {}), loop: [{ kind: 'wait', name: 'WaitForCheckNatGateways', seconds }] } : step)),
              ),
            },
      );
    const fixed = simulate(natPoll(), model);
    const adaptive = simulate(natPoll([{ kind: 'wait', name: 'FirstWaitForCheckNatGateways', seconds: 90 }], 5), model);
    // THEN fixed: checks end at 2, 18, ..., 114 s (7 waits); adaptive: 2, 93, 99, 105 s (3 waits): the first check after 101 s
    expect(fixed.pollIterations['nat-gateway-available']).toBe(7);
    expect(adaptive.pollIterations['nat-gateway-available']).toBe(3);
    expect(fixed.totalMs - adaptive.totalMs).toBe(114_000 - 105_000);
  });
});

describe('bench critical path: the poll loops of the definition it is given', () => {
  const loop = (prefix: string): AslDefinition['States'] => ({
    [`Start${prefix}Wait`]: { Type: 'Pass', Result: { attempt: 0, maxAttempts: 10 }, Next: `Check${prefix}` },
    [`Check${prefix}`]: { Type: 'Task', Resource: `\${Check${prefix}FunctionArn}`, Next: `${prefix}Ready?` },
    [`${prefix}Ready?`]: { Type: 'Choice', Choices: [], Default: `WaitFor${prefix}` },
    [`WaitFor${prefix}`]: { Type: 'Wait', Seconds: 5, Next: `Check${prefix}` },
  });
  const probeRetry = [{ ErrorEquals: ['ProbeNotReady'], MaxAttempts: 20 }];
  const attach = { Type: 'Task', Resource: '${AttachFunctionFunctionArn}', Retry: [{ ErrorEquals: ['RolePropagationDelay'], IntervalSeconds: 5, MaxAttempts: 8 }], End: true };

  it('models the probe loop when the definition has it, and tolerates a definition without it', () => {
    const today: AslDefinition = {
      StartAt: 'RunProbe',
      States: { ...loop('NatGateways'), ...loop('FunctionUpdate'), RunProbe: { Type: 'Task', Resource: '${RunProbeFunctionArn}', Retry: probeRetry, Next: 'AttachFunction' }, AttachFunction: attach },
    };
    const reordered: AslDefinition = {
      StartAt: 'RunProbe',
      States: { ...loop('NatGateways'), ...loop('ProbeFunction'), ...loop('FunctionUpdate'), RunProbe: { Type: 'Task', Resource: '${RunProbeFunctionArn}', Next: 'AttachFunction' }, AttachFunction: attach },
    };
    const profile = readLatencyProfile();
    expect(pollLoopsOf(today).map((poll) => poll.gate)).toEqual(['nat-gateway-available', 'function-vpc-update']);
    expect(modelOf(today, profile, 'typical').retryGates.map((gate) => gate.task)).toEqual(['AttachFunction', 'RunProbe']);
    expect(pollLoopsOf(reordered).map((poll) => poll.gate)).toEqual(['nat-gateway-available', 'probe-function-active', 'function-vpc-update']);
    // RunProbe no longer creates the probe, so the definition need not retry ProbeNotReady there
    expect(modelOf(reordered, profile, 'typical').retryGates.map((gate) => gate.task)).toEqual(['AttachFunction']);
  });
});
