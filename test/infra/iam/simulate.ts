import { runSimulation } from '@cloud-copilot/iam-simulate';
import { actionsOf, matchesAction } from '../../support/template-queries';
import { ACCOUNT, type IamRequest } from './iam-requests';
import type { TaskRole } from './task-roles';

export type Verdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | `invalid: ${string}`;

const cache = new Map<string, Promise<Verdict>>();

/**
 * How AWS would decide `request` for the role (iam-simulate over the role's identity policy); with a
 * `sessionPolicy`, for a session of the role assumed with that policy (the intersection of both).
 */
export function evaluate(role: TaskRole, request: IamRequest, sessionPolicy?: unknown): Promise<Verdict> {
  const key = JSON.stringify([role.roleArn, role.statements, request.action, request.resource, request.context, sessionPolicy]);
  let verdict = cache.get(key);
  if (!verdict) {
    verdict = simulate(role, request, sessionPolicy);
    cache.set(key, verdict);
  }
  return verdict;
}

async function simulate(role: TaskRole, request: IamRequest, sessionPolicy: unknown): Promise<Verdict> {
  const roleName = role.roleArn.split('/').pop() ?? '';
  const result = await runSimulation(
    {
      identityPolicies: [{ name: `${role.task}-policy`, policy: { Version: '2012-10-17', Statement: role.statements } }],
      ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: sessionPolicy === undefined ? role.roleArn : `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/lambda-egress-eni-cleanup`,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: request.context,
      },
    },
    {},
  );
  // iam-simulate checks the ARN against the action's resource types and the context keys against the action's
  // condition keys (iam-data): a mistake in the mapping shows here rather than as a silent Allow.
  if (result.resultType === 'error') return `invalid: ${JSON.stringify(result.errors)}`;
  return result.overallResult as Verdict;
}

/** A failing case, saying which task, action and resource, and which statement was missing. */
export function describeFailure(label: string, role: TaskRole, request: IamRequest, verdict: Verdict): string {
  const naming = role.statements.filter((statement) => actionsOf(statement).some((pattern) => matchesAction(pattern, request.action)));
  const context = Object.keys(request.context).length ? ` with ${JSON.stringify(request.context)}` : '';
  const missing =
    verdict === 'ExplicitlyDenied'
      ? `an explicit Deny of the ${role.task} role matches it`
      : `missing: an Allow of ${request.action} on ${request.resource}${context} (statements naming ${request.action}: ${naming.map((statement) => statement.Sid ?? '(no Sid)').join(', ') || 'none'})`;
  return `${label}: ${role.task} ${request.action} on ${request.resource} (${request.why}) -> ${verdict}; ${missing}`;
}
