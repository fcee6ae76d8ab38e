import { simulate, type SimModel, type SimNode } from './simulation';

/**
 * What stands between one simulated join and its lower bound, each term with its size. The terms are peeled off
 * one after another, in the order below: each size is how much shorter the join gets once that term is gone as
 * well (the ones before it already gone). Peeled in order because the join's paths overlap: the VPC access
 * policy's IAM propagation runs beside the network's finds, so removing either alone saves little, and the
 * order says which one hides the other. Whatever is left after the last term is the wait overshoot (polls and
 * retries looking a moment after AWS is done) and what the lower bound itself counts.
 */
export interface JoinTerm {
  readonly what: string;
  readonly seconds: number;
}

/** The network's tasks, which on a join find what the registry record already names (docs/joins.md, "Latency"). */
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

/** The calls the lower bound counts (joinLowerBound): every other call is a term here. */
const BOUND_CALLS = new Set(['lambda:Invoke', 'lambda:UpdateFunctionConfiguration']);

type Peel = { readonly what: string; readonly model?: (model: SimModel) => SimModel; readonly plan?: (plan: readonly SimNode[]) => SimNode[] };

const withoutIamPropagation = (model: SimModel): SimModel => ({ ...model, gates: model.gates.filter((gate) => gate.gate !== 'iam-propagation') });

const PEELS: readonly Peel[] = [
  {
    // Side by side since AttachVpcAccessPolicy runs first: the join waits for the longer of the two.
    what: "IAM propagation of the VPC access policy the join attached, beside the network finds the join repeats (the longer of the two; the registry record names the network)",
    model: withoutIamPropagation,
    plan: (plan) => withoutTasks(plan, (task) => NETWORK_FINDS.has(task)),
  },
  { what: 'cold starts (the first invocation of each other task function)', model: (model) => ({ ...model, coldStartMs: 0 }) },
  { what: 'state transitions and Lambda invoke overhead', model: (model) => ({ ...model, stateTransitionMs: 0, invokeOverheadMs: 0 }) },
  {
    what: 'the other AWS calls (validation and preflight reads, the function record, the registry, SSM, the probe diagnosis)',
    model: (model) => ({ ...model, callMs: (action) => (BOUND_CALLS.has(action) ? model.callMs(action) : 0) }),
  },
];

/**
 * The same join for a function whose role already has the VPC access policy (nothing attached, nothing to
 * propagate): what the first term is made of, and which of its two halves is the longer.
 */
export function roleWithPolicyMs(plan: readonly SimNode[], model: SimModel): number {
  return simulate(withoutAction(plan, 'iam:AttachRolePolicy'), withoutIamPropagation(model)).totalMs;
}

/** The peeled terms of one simulated join, largest first, and what is left (overshoot + the bound's own terms). */
export function joinTerms(plan: readonly SimNode[], model: SimModel): { readonly terms: JoinTerm[]; readonly leftSeconds: number } {
  let currentPlan: SimNode[] = [...plan];
  let currentModel = model;
  let before = simulate(currentPlan, currentModel).totalMs;
  const terms: JoinTerm[] = [];
  for (const peel of PEELS) {
    currentPlan = peel.plan ? peel.plan(currentPlan) : currentPlan;
    currentModel = peel.model ? peel.model(currentModel) : currentModel;
    const after = simulate(currentPlan, currentModel).totalMs;
    terms.push({ what: peel.what, seconds: (before - after) / 1000 });
    before = after;
  }
  return { terms: terms.sort((a, b) => b.seconds - a.seconds), leftSeconds: before / 1000 };
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

/** The plan with every call of one action left out. */
function withoutAction(plan: readonly SimNode[], action: string): SimNode[] {
  return plan.map((node): SimNode => {
    switch (node.kind) {
      case 'task':
        return { ...node, actions: node.actions.filter((candidate) => candidate !== action) };
      case 'poll':
        return { ...node, check: { ...node.check, actions: node.check.actions.filter((candidate) => candidate !== action) } };
      case 'parallel':
        return { ...node, branches: node.branches.map((branch) => withoutAction(branch, action)) };
      case 'map':
        return { ...node, iterations: node.iterations.map((iteration) => withoutAction(iteration, action)) };
      default:
        return node;
    }
  });
}
