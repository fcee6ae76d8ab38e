import { simulate, type SimModel, type SimNode } from './simulation';

/**
 * What stands between one simulated join and its lower bound, each term with its size. The terms are peeled off
 * one after another, in the order below: each size is how much shorter the join gets once that term is gone as
 * well (the ones before it already gone). Peeled in order because the join's paths overlap: the VPC access
 * policy's IAM propagation runs beside the drift check, the probe and the function's record (ProveJoin), so
 * removing one alone may save little, and the order says which one hides the other. Whatever is left after the last term is the wait overshoot (polls and
 * retries looking a moment after AWS is done) and what the lower bound itself counts. A term of size 0 (not on the
 * critical path) is left out.
 */
export interface JoinTerm {
  readonly what: string;
  readonly seconds: number;
}

/**
 * The network's tasks: a join whose record does not name the whole network (functions/network/recorded-network.ts)
 * still runs them, finding what exists; a join from the record runs none of them.
 */
const NETWORK_FINDS = new Set([
  'AuditExistingVpc',
  'EnsureVpc',
  'EnsureSubnets',
  'EnsureInternetGateway',
  'EnsureNatGateway',
  'CheckNatGateways',
  'EnsureSecurityGroup',
  'EnsureProbeFunction',
  'CheckProbeFunction',
  'EnsureRouteTables',
  'EnsureS3Endpoint',
]);

/** The drift check of a join from the record, beside the probe (functions/probe/check-join-network.ts). */
const DRIFT_CHECK = new Set(['CheckJoinNetwork']);

/** The calls the lower bound counts (joinLowerBound): every other call is a term here. */
const BOUND_CALLS = new Set(['lambda:Invoke', 'lambda:UpdateFunctionConfiguration']);

type Peel = { readonly what: string; readonly model?: (model: SimModel) => SimModel; readonly plan?: (plan: readonly SimNode[]) => SimNode[] };

const withoutIamPropagation = (model: SimModel): SimModel => ({ ...model, gates: model.gates.filter((gate) => gate.gate !== 'iam-propagation') });

/** What a role that already has the VPC access policy never pays: the attachment and IAM's propagation of it. */
const IAM_PEEL: Peel = {
  what: "IAM propagation of the VPC access policy the join attached (AWS's, typically ~10 s: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency), with AttachFunction's retries waiting it out",
  model: withoutIamPropagation,
  // AttachVpcAccessPolicy reads the role's policies only to attach (RecordFunction found it there already otherwise).
  plan: (plan) => withoutAction(withoutAction(plan, 'iam:AttachRolePolicy'), 'iam:ListAttachedRolePolicies', 'AttachVpcAccessPolicy'),
};

const PEELS: readonly Peel[] = [
  { what: 'the network tasks a join without a complete registry record repeats (finds)', plan: (plan) => withoutTasks(plan, (task) => NETWORK_FINDS.has(task)) },
  { what: 'the drift check beside the probe, where it is the longer branch (CheckJoinNetwork)', plan: (plan) => withoutTasks(plan, (task) => DRIFT_CHECK.has(task)) },
  { what: 'cold starts (the first invocation of each other task function)', model: (model) => ({ ...model, coldStartMs: 0 }) },
  { what: 'state transitions and Lambda invoke overhead', model: (model) => ({ ...model, stateTransitionMs: 0, invokeOverheadMs: 0 }) },
  {
    what: 'the other AWS calls (validation reads, the function record, the registry, the probe function read, the function update checks)',
    model: (model) => ({ ...model, callMs: (action) => (BOUND_CALLS.has(action) ? model.callMs(action) : 0) }),
  },
];

/**
 * The same join for a function whose role already has the VPC access policy (nothing attached, nothing to
 * propagate).
 */
export function roleWithPolicyMs(plan: readonly SimNode[], model: SimModel): number {
  return simulate(IAM_PEEL.plan!(plan), IAM_PEEL.model!(model)).totalMs;
}

/**
 * The peeled terms of one simulated join, largest first, and what is left (the waits' overshoot + the bound's own
 * terms). `withPolicy`: the join of a role that already has the policy, so IAM's term is not among them.
 */
export function joinTerms(plan: readonly SimNode[], model: SimModel, options: { readonly withPolicy?: boolean } = {}): { readonly terms: JoinTerm[]; readonly leftSeconds: number } {
  const peels = options.withPolicy ? PEELS : [IAM_PEEL, ...PEELS];
  let currentPlan: SimNode[] = options.withPolicy ? IAM_PEEL.plan!(plan) : [...plan];
  let currentModel = options.withPolicy ? IAM_PEEL.model!(model) : model;
  let before = simulate(currentPlan, currentModel).totalMs;
  const terms: JoinTerm[] = [];
  for (const peel of peels) {
    currentPlan = peel.plan ? peel.plan(currentPlan) : currentPlan;
    currentModel = peel.model ? peel.model(currentModel) : currentModel;
    const after = simulate(currentPlan, currentModel).totalMs;
    terms.push({ what: peel.what, seconds: (before - after) / 1000 });
    before = after;
  }
  return { terms: terms.filter((term) => term.seconds > 0).sort((a, b) => b.seconds - a.seconds), leftSeconds: before / 1000 };
}

/** The plan without the matching tasks (and poll loops); a Parallel or Map around them stays, with its transitions. */
function withoutTasks(plan: readonly SimNode[], matches: (task: string) => boolean): SimNode[] {
  return plan.flatMap((node): SimNode[] => {
    switch (node.kind) {
      case 'task':
        return matches(node.task) ? [] : [node];
      case 'poll':
        return matches(node.check.task) ? [] : [node];
      case 'parallel':
        return [{ ...node, branches: node.branches.map((branch) => withoutTasks(branch, matches)) }];
      case 'map':
        return [{ ...node, iterations: node.iterations.map((iteration) => withoutTasks(iteration, matches)) }];
      default:
        return [node];
    }
  });
}

/** The plan with every call of one action left out (of one task's only, given `inTask`). */
function withoutAction(plan: readonly SimNode[], action: string, inTask?: string): SimNode[] {
  return plan.map((node): SimNode => {
    switch (node.kind) {
      case 'task':
        return inTask && node.task !== inTask ? node : { ...node, actions: node.actions.filter((candidate) => candidate !== action) };
      case 'poll':
        return inTask && node.check.task !== inTask ? node : { ...node, check: { ...node.check, actions: node.check.actions.filter((candidate) => candidate !== action) } };
      case 'parallel':
        return { ...node, branches: node.branches.map((branch) => withoutAction(branch, action, inTask)) };
      case 'map':
        return { ...node, iterations: node.iterations.map((iteration) => withoutAction(iteration, action, inTask)) };
      default:
        return node;
    }
  });
}
