import { normalizeProbeAnswer } from '../../functions/probe/probe-invoke';
import type { ProbeEvent } from '../../functions/probe/types';
import type { CallRecord } from '../../local/test-support/fault-rules';

/** What "the target's path is ready" means for one run: its function, its subnets' route tables, its NATs, its probe. */
export interface SwitchFacts {
  readonly functionName: string;
  /** The route tables of the private subnets the function moves to. */
  readonly routeTableIds: readonly string[];
  /** The NAT gateways those route tables send 0.0.0.0/0 to. */
  readonly natGatewayIds: readonly string[];
  readonly probeFunctionName: string;
}

/** Where each milestone fell in the call log (indexes), for the report and the egress-gap check. */
export interface SwitchOrder {
  /** The target's first UpdateFunctionConfiguration: the moment it moves into the VPC. */
  readonly switchAt: number | undefined;
  readonly lastCreateRouteAt: number | undefined;
  readonly firstAllNatsAvailableAt: number | undefined;
  readonly firstPassingProbeAt: number | undefined;
}

type Recorded = CallRecord & { readonly details?: NonNullable<CallRecord['details']> };

/** The function a Lambda REST path names (by name or ARN, URL-encoded): /2015-03-31/functions/<name>/... */
function functionNameOfPath(path: string): string {
  const segment = decodeURIComponent(new URL(path, 'http://proxy').pathname).split('/')[3] ?? '';
  return segment.startsWith('arn:') ? (segment.split(':')[6] ?? '') : segment;
}

/** NAT gateway id -> state, from a DescribeNatGateways answer (EC2 XML; nested sets such as addresses and tags removed). */
export function natStatesOf(responseBody: string): Map<string, string> {
  const states = new Map<string, string>();
  const set = /<natGatewaySet>([\s\S]*)<\/natGatewaySet>/.exec(responseBody)?.[1] ?? '';
  let depth = 0;
  let start = 0;
  for (const tag of set.matchAll(/<(\/?)item>/g)) {
    if (tag[1] === '') {
      if (depth === 0) start = tag.index + tag[0].length;
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) {
        const item = set.slice(start, tag.index).replace(/<(\w+Set)>[\s\S]*?<\/\1>/g, '');
        const id = /<natGatewayId>([^<]+)<\/natGatewayId>/.exec(item)?.[1];
        const state = /<state>([^<]+)<\/state>/.exec(item)?.[1];
        if (id && state) states.set(id, state);
      }
    }
  }
  return states;
}

/** Where the switch and the three things it must follow happened in a run's call log. */
export function switchOrder(calls: readonly Recorded[], facts: SwitchFacts): SwitchOrder {
  const tables = new Set(facts.routeTableIds);
  let switchAt: number | undefined;
  let lastCreateRouteAt: number | undefined;
  let firstAllNatsAvailableAt: number | undefined;
  let firstPassingProbeAt: number | undefined;
  calls.forEach((call, index) => {
    const details = call.details;
    if (!details || call.status >= 300) return;
    if (call.service === 'lambda' && call.action === 'UpdateFunctionConfiguration' && functionNameOfPath(details.path) === facts.functionName) {
      switchAt ??= index;
    }
    if (call.service === 'ec2' && call.action === 'CreateRoute' && tables.has(new URLSearchParams(details.requestBody).get('RouteTableId') ?? '')) {
      lastCreateRouteAt = index;
    }
    if (call.service === 'ec2' && call.action === 'DescribeNatGateways' && facts.natGatewayIds.length > 0) {
      const states = natStatesOf(details.responseBody);
      if (facts.natGatewayIds.every((id) => states.get(id) === 'available')) firstAllNatsAvailableAt ??= index;
    }
    if (call.service === 'lambda' && call.action === 'Invoke' && functionNameOfPath(details.path) === facts.probeFunctionName) {
      const event = JSON.parse(details.requestBody) as ProbeEvent;
      let answer: unknown;
      try {
        answer = JSON.parse(details.responseBody);
      } catch {
        answer = details.responseBody;
      }
      if (normalizeProbeAnswer(answer, event, 0).ok) firstPassingProbeAt ??= index;
    }
  });
  return { switchAt, lastCreateRouteAt, firstAllNatsAvailableAt, firstPassingProbeAt };
}

/**
 * The egress gap, measured on the calls themselves: every way in which the target function's move into the
 * VPC (its UpdateFunctionConfiguration) came before its path could carry traffic — before the last CreateRoute
 * in its subnets' route tables, before a DescribeNatGateways saw every NAT gateway `available`, before a
 * passing probe invocation. Empty when the function moved onto a proven path.
 */
export function egressGapViolations(calls: readonly Recorded[], facts: SwitchFacts): string[] {
  const order = switchOrder(calls, facts);
  if (order.switchAt === undefined) return [`${facts.functionName} was never moved (no UpdateFunctionConfiguration of it)`];
  const at = order.switchAt;
  const violations: string[] = [];
  const describe = (call: number | undefined) => (call === undefined ? 'never' : `at call ${call}`);
  if (order.lastCreateRouteAt === undefined || order.lastCreateRouteAt > at) {
    violations.push(`moved at call ${at}, before the last CreateRoute in ${facts.routeTableIds.join(', ')} (${describe(order.lastCreateRouteAt)})`);
  }
  if (order.firstAllNatsAvailableAt === undefined || order.firstAllNatsAvailableAt > at) {
    violations.push(`moved at call ${at}, before a DescribeNatGateways saw ${facts.natGatewayIds.join(', ')} available (${describe(order.firstAllNatsAvailableAt)})`);
  }
  if (order.firstPassingProbeAt === undefined || order.firstPassingProbeAt > at) {
    violations.push(`moved at call ${at}, before a passing Invoke of ${facts.probeFunctionName} (${describe(order.firstPassingProbeAt)})`);
  }
  return violations;
}
