import type { RollbackStep } from '../functions/undo/types';
import { estimateMonthlyCost } from './cost';
import { MONTHLY_USD_PER_PUBLIC_IPV4 } from '../functions/shared/cost';
import type { Palette } from './io';

/**
 * What a release or teardown did, read from the workflow's final state: the user's facts (what was restored,
 * detached, deleted, and what that saves) instead of the state itself (registry items, locks, timings).
 */
interface LifecycleSummary {
  readonly functionArn?: string;
  readonly network?: string;
  /** release: what RestoreFunction did to the function's VpcConfig. */
  readonly restore?: string;
  /** release: the role's AWSLambdaVPCAccessExecutionRole, as RestoreRolePolicy left it. */
  readonly vpcAccessPolicy?: { readonly detached: boolean; readonly reason?: string };
  /** release: the functions that still use the network. */
  readonly remainingMembers?: string[];
  readonly tornDown: boolean;
  /** teardown: the network had no registry record (a teardown run twice): nothing was deleted. */
  readonly alreadyGone?: boolean;
  /** teardown: every resource it deleted (or found gone), in order. */
  readonly deleted: RollbackStep[];
  /** teardown: NAT gateway hours and their public IPv4 addresses no longer paid (data processing aside). */
  readonly monthlySavingUsd: number;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function summarizeLifecycle(output: unknown): LifecycleSummary {
  const state = record(output);
  // A release that continued into the teardown carries its own slices under `release`.
  const release = record(state.release ?? state);
  const request = record(state.request);
  const teardown = record(state.teardown);
  const membership = record(release.membershipRemoved);
  const rolePolicy = record(release.rolePolicy);
  const steps = Array.isArray(teardown.steps) ? (teardown.steps as RollbackStep[]) : [];
  const natGateways = steps.filter((step) => step.kind === 'nat-gateway' && step.outcome === 'deleted').length;
  const functionArn = text(release.functionArn) ?? text(request.functionArn);
  const network = text(record(request.network).name) ?? text(teardown.network) ?? text(membership.network);
  const restore = text(record(release.restore).outcome);
  return {
    ...(functionArn ? { functionArn } : {}),
    ...(network ? { network } : {}),
    ...(restore ? { restore } : {}),
    ...(typeof rolePolicy.detached === 'boolean' ? { vpcAccessPolicy: { detached: rolePolicy.detached, ...(text(rolePolicy.reason) ? { reason: text(rolePolicy.reason) } : {}) } } : {}),
    ...(Array.isArray(membership.remainingMembers) ? { remainingMembers: membership.remainingMembers as string[] } : {}),
    tornDown: teardown.complete === true,
    ...(teardown.alreadyGone === true ? { alreadyGone: true } : {}),
    deleted: steps,
    // A kept address (keepEgressIps) is still paid: its share of the NAT gateways' cost is not saved.
    monthlySavingUsd: natGateways > 0 ? Math.max(0, Math.round((estimateMonthlyCost({ natGateways, gbPerMonth: 0 }).totalUsd - steps.filter((step) => step.outcome === 'kept').length * MONTHLY_USD_PER_PUBLIC_IPV4) * 100) / 100) : 0,
  };
}

function countsByKind(steps: readonly RollbackStep[]): string {
  const counts = new Map<string, number>();
  for (const step of steps) if (step.outcome === 'deleted') counts.set(step.kind, (counts.get(step.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}${count === 1 ? '' : 's'}`).join(', ');
}

export function formatTeardownSummary(network: string, summary: LifecycleSummary, colors: Palette): string[] {
  if (summary.alreadyGone) return [colors.green(`✔ Network "${network}" is already gone: nothing to delete.`)];
  const deleted = summary.deleted.filter((step) => step.outcome === 'deleted').length;
  const kept = summary.deleted.filter((step) => step.outcome === 'kept').length;
  return [
    colors.green(`✔ Network "${network}" torn down: ${deleted} resource${deleted === 1 ? '' : 's'} deleted${deleted > 0 ? ` (${countsByKind(summary.deleted)})` : ''}.`),
    ...(summary.monthlySavingUsd > 0 ? [`Monthly saving: $${summary.monthlySavingUsd.toFixed(2)} (NAT gateway hours and their public IPv4 addresses; data processing is extra).`] : []),
    // network.keepEgressIps: still paid while idle (docs/egress-ips.md).
    ...(kept > 0
      ? [`Kept ${kept} egress IP${kept === 1 ? '' : 's'} (keepEgressIps, $${(kept * MONTHLY_USD_PER_PUBLIC_IPV4).toFixed(2)} a month while idle): a network of the same name leaves from them again; \`lambda-egress networks\` lists them, \`teardown --release-egress-ips\` would have released them.`]
      : []),
  ];
}

export function formatReleaseSummary(functionName: string, summary: LifecycleSummary, colors: Palette): string[] {
  const policy = summary.vpcAccessPolicy;
  const lines = [
    colors.green(`✔ ${functionName} released from network "${summary.network ?? '?'}": its VPC configuration ${summary.restore === 'unchanged' ? 'was already its own' : summary.restore === 'already-gone' ? 'is gone with the function' : 'is back as it was'}.`),
    ...(policy ? [`VPC access policy: ${policy.detached ? 'detached' : 'kept'}${policy.reason ? ` (${policy.reason})` : ''}`] : []),
  ];
  if (summary.tornDown) return [...lines, ...formatTeardownSummary(summary.network ?? '?', summary, colors)];
  const others = summary.remainingMembers ?? [];
  return [...lines, `Network "${summary.network ?? '?'}" kept${others.length > 0 ? `: ${others.length} other function${others.length === 1 ? '' : 's'} use it` : ' (lambda-egress teardown --network NAME deletes it)'}.`];
}
