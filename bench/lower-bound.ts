import type { LatencyLevel } from './latency-profile';
import type { SimResult } from './simulation';

/**
 * How fast any workflow could give a function egress, from the same latency profile (bench/README.md, "Lower
 * bound"): the longest wait AWS itself imposes before the path can be proven - the NAT gateway's pending
 * state, the probe function's Pending state (the first Hyperplane ENIs of the target's subnets and security
 * group) or IAM propagation of the VPC access policy, each after the call that starts it - then what must follow
 * it, one call each: a route to the NAT gateway, one probe invocation, the target's UpdateFunctionConfiguration
 * and its update onto the ENIs that exist by then. No polling overshoot, no cold starts, no state transitions,
 * nothing before the NAT gateway can be created (VPC, subnets): every term left out only lowers the bound.
 */
export interface LowerBound {
  readonly totalMs: number;
  /** The terms of the sum, in order; the first is the slowest of the parallel waits. */
  readonly terms: ReadonlyArray<{ readonly what: string; readonly ms: number }>;
}

export function lowerBound(latency: LatencyLevel): LowerBound {
  const gate = (name: string) => {
    const rule = latency.gates.find((candidate) => candidate.gate === name);
    if (!rule) throw new Error(`the latency profile has no pending gate ${name}: the lower bound needs it`);
    return rule;
  };
  const parallel = [
    { what: 'CreateNatGateway + NAT gateway pending', ms: latency.callMs('ec2:CreateNatGateway') + gate('nat-gateway-available').pendingMs },
    { what: "CreateFunction (probe) + probe Pending (the target's subnets/SG: first Hyperplane ENIs)", ms: latency.callMs('lambda:CreateFunction') + gate('probe-function-active').pendingMs },
    { what: 'AttachRolePolicy + IAM propagation', ms: latency.callMs('iam:AttachRolePolicy') + gate('iam-propagation').pendingMs },
  ];
  const slowest = parallel.reduce((a, b) => (b.ms > a.ms ? b : a));
  const functionUpdate = gate('function-vpc-update');
  if (!functionUpdate.sharesEnis) throw new Error('the latency profile does not say that function-vpc-update reuses the Hyperplane ENIs (hyperplaneEniReuse)');
  const terms = [
    slowest,
    { what: 'CreateRoute (0.0.0.0/0 -> NAT gateway)', ms: latency.callMs('ec2:CreateRoute') },
    { what: 'Invoke (one probe invocation)', ms: latency.callMs('lambda:Invoke') },
    { what: 'UpdateFunctionConfiguration (target)', ms: latency.callMs('lambda:UpdateFunctionConfiguration') },
    { what: 'target update on existing ENIs', ms: functionUpdate.sharesEnis.reusePendingMs },
  ];
  return { totalMs: terms.reduce((total, term) => total + term.ms, 0), terms };
}

/**
 * The egress gap of a simulated run: from the moment the target's VPC update succeeded (its function-vpc-update
 * gate opened) to the last of: NAT gateways available, last route created, probe passed (its last invocation
 * returned). Until then the function sits in the new subnets without a proven way out. 0 when the function
 * moves last; undefined when the run never updated the function.
 */
export function egressGapMs(result: SimResult): number | undefined {
  const moved = result.gatesOpenAtMs['function-vpc-update'];
  if (moved === undefined) return undefined;
  const pathReady = Math.max(
    result.gatesOpenAtMs['nat-gateway-available'] ?? -Infinity,
    result.lastCallEndMs['ec2:CreateRoute'] ?? -Infinity,
    result.lastCallEndMs['lambda:Invoke'] ?? -Infinity,
  );
  return Math.max(0, pathReady - moved);
}
