import { joinTerms, roleWithPolicyMs } from '../../bench/joins-terms';
import { simulate, type SimModel, type SimNode, type SimTask } from '../../bench/simulation';

const task = (name: string, ...actions: string[]): SimTask => ({ kind: 'task', task: name, actions });

/**
 * A join from the registry record as the definition runs it now, in round numbers: every call 100 ms, a cold start
 * 500 ms; after the lock, three branches at once: the drift check (CheckJoinNetwork), the probe (RunProbe), the
 * function's record then the policy (IAM needs 4 s); AttachFunction is refused until IAM lets it (retried every
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
const joinWith = (driftCheck: SimTask): SimNode[] => [
  task('ValidateRequest', 'dynamodb:Query', 'ec2:DescribeVpcs'),
  task('AcquireNetworkLock', 'dynamodb:GetItem', 'dynamodb:TransactWriteItems'),
  {
    kind: 'parallel',
    name: 'ProveJoin',
    branches: [
      [driftCheck],
      [task('RunProbe', 'lambda:GetFunction', 'lambda:Invoke')],
      [task('RecordFunction', 'lambda:GetFunctionConfiguration'), task('AttachVpcAccessPolicy', 'iam:ListAttachedRolePolicies', 'iam:AttachRolePolicy')],
    ],
  },
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
/** A drift check of 3 calls: shorter than the record + policy branch, off the critical path. */
const plan = joinWith(task('CheckJoinNetwork', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeNatGateways'));

describe('bench/joins-terms.ts: what stands between a join and its lower bound', () => {
  it('peels the terms off in turn, so that they and what is left add up to the join', () => {
    // GIVEN the join above, WHEN its terms are peeled
    const total = simulate(plan, model).totalMs;
    const { terms, leftSeconds } = joinTerms(plan, model);
    // THEN every term has a size, largest first, and together with what is left they are the whole join
    expect(terms.map((term) => term.seconds)).toEqual([...terms.map((term) => term.seconds)].sort((a, b) => b - a));
    expect(terms.every((term) => term.seconds > 0)).toBe(true);
    expect(terms.reduce((sum, term) => sum + term.seconds, 0) + leftSeconds).toBeCloseTo(total / 1000, 6);
    // AND what is left is the bound's own work: the probe's Invoke, the update call and the update itself (no IAM, no cold start)
    expect(leftSeconds).toBeGreaterThanOrEqual(0.1 + 0.1 + 2);
    expect(leftSeconds).toBeLessThan(0.1 + 0.1 + 2 + 0.5 + 0.1);
  });

  it("names IAM propagation first, as large as what a role that already has the policy saves; that join's own terms lack it and add up to it", () => {
    // WHEN IAM's 4 s run beside the drift check and the probe, the join waits for IAM at AttachFunction
    const total = simulate(plan, model).totalMs;
    const withPolicy = roleWithPolicyMs(plan, model);
    const iam = joinTerms(plan, model).terms.find((term) => term.what.startsWith('IAM propagation'));
    // THEN the IAM term is exactly the difference, and it is most of IAM's 4 s (the branches hide only the rest)
    expect(iam!.seconds * 1000).toBeCloseTo(total - withPolicy, 6);
    expect(total - withPolicy).toBeGreaterThan(3000);
    expect(total - withPolicy).toBeLessThanOrEqual(4000 + 500);
    // AND the role-with-policy join names no IAM term, and its terms and what is left are its whole time
    const own = joinTerms(plan, model, { withPolicy: true });
    expect(own.terms.some((term) => term.what.startsWith('IAM propagation'))).toBe(false);
    expect(own.terms.reduce((sum, term) => sum + term.seconds, 0) + own.leftSeconds).toBeCloseTo(withPolicy / 1000, 6);
  });

  it('names the drift check only when it is the longest branch beside the probe, by what it adds', () => {
    // GIVEN the short drift check above: no term
    expect(joinTerms(plan, model, { withPolicy: true }).terms.some((term) => term.what.includes('drift check'))).toBe(false);
    // WHEN the drift check makes 20 calls (2.5 s with its cold start) beside a probe branch of 0.7 s and a record + policy branch of 1.1 s
    const slow = joinWith(task('CheckJoinNetwork', ...Array.from({ length: 20 }, () => 'ec2:DescribeSubnets')));
    const term = joinTerms(slow, model, { withPolicy: true }).terms.find((candidate) => candidate.what.includes('drift check'));
    // THEN its term is what it adds over the next longest branch
    expect(term?.seconds).toBeCloseTo(2.5 - 1.1, 6);
  });

  it('a role with the policy: no IAM call in AttachVpcAccessPolicy (RecordFunction found the policy), no propagation, AttachFunction goes through on its first try', () => {
    const expected = simulate(
      plan.map((node) =>
        node.kind === 'parallel'
          ? { ...node, branches: node.branches.map((branch) => branch.map((inner) => (inner.kind === 'task' && inner.task === 'AttachVpcAccessPolicy' ? task('AttachVpcAccessPolicy') : inner))) }
          : node,
      ),
      { ...model, gates: model.gates.filter((gate) => gate.gate !== 'iam-propagation') },
    );
    expect(roleWithPolicyMs(plan, model)).toBe(expected.totalMs);
    expect(expected.retries).toEqual({});
  });
});
