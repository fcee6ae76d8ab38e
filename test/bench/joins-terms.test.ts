import { joinTerms, roleWithPolicyMs } from '../../bench/joins-terms';
import { simulate, type SimModel, type SimNode, type SimTask } from '../../bench/simulation';

const task = (name: string, ...actions: string[]): SimTask => ({ kind: 'task', task: name, actions });

/**
 * A join as the definition runs it now, in round numbers: every call 100 ms, a cold start 500 ms; the policy goes on
 * first (IAM needs 4 s), three finds follow (3 x 600 ms), AttachFunction is refused until IAM lets it (retried every
 * 500 ms), then the update takes 2 s, looked at every 500 ms.
 */
const model: SimModel = {
  callMs: () => 100,
  stateTransitionMs: 0,
  invokeOverheadMs: 0,
  coldStartMs: 500,
  gates: [
    { gate: 'iam-propagation', openedBy: 'iam:AttachRolePolicy', pendingMs: 4000 },
    { gate: 'function-vpc-update', openedBy: 'lambda:UpdateFunctionConfiguration', pendingMs: 2000 },
  ],
  retryGates: [{ gate: 'iam-propagation', task: 'AttachFunction', action: 'lambda:UpdateFunctionConfiguration', when: 'refused', retryDelayMs: () => 500, maxAttempts: 50 }],
};
const plan: SimNode[] = [
  task('ValidateRequest', 'dynamodb:Query', 'ec2:DescribeVpcs'),
  task('AttachVpcAccessPolicy', 'iam:ListAttachedRolePolicies', 'iam:AttachRolePolicy'),
  task('EnsureVpc', 'ec2:DescribeVpcs'),
  task('EnsureSubnets', 'ec2:DescribeSubnets'),
  task('EnsureRouteTables', 'ec2:DescribeRouteTables'),
  task('RunProbe', 'lambda:Invoke'),
  task('AttachFunction', 'lambda:UpdateFunctionConfiguration'),
  {
    kind: 'poll',
    gate: 'function-vpc-update',
    check: task('CheckFunctionUpdate', 'lambda:GetFunctionConfiguration'),
    decide: { kind: 'state', name: 'FunctionUpdated?' },
    loop: [{ kind: 'wait', name: 'WaitForFunctionUpdate', seconds: 0.5 }],
    maxIterations: 100,
  },
];

describe('bench/joins-terms.ts: what stands between a join and its lower bound', () => {
  it('peels the terms off in turn, so that they and what is left add up to the join', () => {
    // GIVEN the join above, WHEN its terms are peeled
    const total = simulate(plan, model).totalMs;
    const { terms, leftSeconds } = joinTerms(plan, model);
    // THEN every term has a size, largest first, and together with what is left they are the whole join
    expect(terms.map((term) => term.seconds)).toEqual([...terms.map((term) => term.seconds)].sort((a, b) => b - a));
    expect(terms.reduce((sum, term) => sum + term.seconds, 0) + leftSeconds).toBeCloseTo(total / 1000, 6);
    // AND what is left is the bound's own work: the probe's Invoke, the update call and the update itself (no finds, no IAM, no cold start)
    expect(leftSeconds).toBeGreaterThanOrEqual(0.1 + 0.1 + 2);
    expect(leftSeconds).toBeLessThan(0.1 + 0.1 + 2 + 0.5 + 0.1);
  });

  it('names IAM propagation and the finds beside it as one term: removing either alone would hide behind the other', () => {
    const { terms } = joinTerms(plan, model);
    const iamAndFinds = terms.find((term) => term.what.startsWith('IAM propagation'));
    // WHEN IAM's 4 s run beside the finds, the join waits for IAM at AttachFunction
    const withoutIam = roleWithPolicyMs(plan, model);
    // THEN a role that already had the policy saves only what IAM took beyond the finds (not the whole 4 s) ...
    const total = simulate(plan, model).totalMs;
    expect(total - withoutIam).toBeGreaterThan(0);
    expect(total - withoutIam).toBeLessThan(4000);
    // ... and the joint term is larger than that: the finds' own time comes off with it
    expect(iamAndFinds!.seconds * 1000).toBeGreaterThan(total - withoutIam);
  });

  it('a role with the policy: no AttachRolePolicy call, no propagation, AttachFunction goes through on its first try', () => {
    const expected = simulate(
      plan.map((node) => (node.kind === 'task' && node.task === 'AttachVpcAccessPolicy' ? task('AttachVpcAccessPolicy', 'iam:ListAttachedRolePolicies') : node)),
      { ...model, gates: model.gates.filter((gate) => gate.gate !== 'iam-propagation') },
    );
    expect(roleWithPolicyMs(plan, model)).toBe(expected.totalMs);
    expect(expected.retries).toEqual({});
  });
});
