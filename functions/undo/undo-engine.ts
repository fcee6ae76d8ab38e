import type { AwsClients } from '../shared/clients';
import { awsErrorName } from '../shared/errors';
import { keptFor } from '../shared/kept-egress-ips';
import { eachResourceOnce, FUNCTION_KINDS, isBorrowed } from '../shared/ledger';
import { logger } from '../shared/logger';
import type { LedgerEntry, ResourceKind } from '../shared/types';
import { eniCleanupFromEnvironment, type EniCleanupClient } from './eni-cleanup-session';
import { sweepLambdaNetworkInterfaces } from './undo-enis';
import { deleteNatAlarm } from './undo-alarm';
import { deleteProbeFunction } from './undo-probe';
import { keepAddress } from './keep-address';
import { deleteNetworkParameter } from './undo-parameter';
import { isNatInstanceKind, undoNatInstanceEntry } from './undo-nat-instance';
import { isRetryLater, StillInUse, undoNetworkEntry } from './undo-network';
import type { FailedStep, PendingStep, RollbackOutcome, RollbackStep } from './types';

/**
 * The one undo engine (DESIGN.md "Release and teardown"): Rollback undoes one failed execution's ledger,
 * Teardown a whole network's. Both build a plan with undoPlan and run it with runUndoPlan.
 */

/** The order AWS allows things to be taken apart in; within one kind, newest first. */
const UNDO_ORDER: readonly ResourceKind[] = [
  'function-vpc-config',
  // First of the network: IaC stops finding it before its parts go.
  'ssm-parameter',
  'probe-function',
  'cloudwatch-alarm',
  'auto-scaling-group',
  'launch-template',
  'vpc-endpoint',
  'route',
  'route-table-association',
  'route-table',
  'nat-gateway',
  'nat-instance-eni',
  'elastic-ip',
  'internet-gateway',
  'egress-only-internet-gateway',
  'network-interface',
  'security-group',
  'subnet',
  // Before its VPC, whose deletion it does not block: an exclusion of a deleted VPC would be left behind.
  'bpa-exclusion',
  'vpc',
  'iam-policy-attachment',
];

/**
 * What each kind cannot go without: while one of these is still being undone (pending) or could not be undone
 * (failed), AWS refuses the kind (a NAT's EIP and public IPs, Lambda's ENIs in the subnets and group, anything
 * left in the VPC), so it waits or is left too instead of being tried in vain.
 */
const NEEDS_GONE_FIRST: Partial<Record<ResourceKind, readonly ResourceKind[]>> = {
  'route-table': ['vpc-endpoint'],
  'elastic-ip': ['nat-gateway', 'nat-instance-eni'],
  'internet-gateway': ['nat-gateway', 'nat-instance-eni'],
  'launch-template': ['auto-scaling-group'],
  'nat-instance-eni': ['auto-scaling-group'],
  'network-interface': ['function-vpc-config', 'probe-function'],
  'security-group': ['function-vpc-config', 'probe-function', 'network-interface', 'nat-instance-eni'],
  subnet: ['nat-gateway', 'function-vpc-config', 'probe-function', 'network-interface', 'nat-instance-eni'],
  vpc: [
    'function-vpc-config',
    'vpc-endpoint',
    'route-table',
    'nat-gateway',
    'nat-instance-eni',
    'internet-gateway',
    'egress-only-internet-gateway',
    'network-interface',
    'security-group',
    'subnet',
  ],
};

export function undoPlan(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return eachResourceOnce(entries).sort((a, b) => UNDO_ORDER.indexOf(a.kind) - UNDO_ORDER.indexOf(b.kind) || b.createdAt.localeCompare(a.createdAt));
}

/** What one pass of the engine did, what AWS still makes it wait for, and what it could not undo. */
export interface UndoPass {
  readonly steps: RollbackStep[];
  readonly pending: PendingStep[];
  readonly failed: FailedStep[];
}

/** Steps run before (`first`) and after (`last`) the network entries: the function's config and its role. */
interface UndoHooks {
  readonly first?: { readonly kind: ResourceKind; readonly id: string; readonly undo: () => Promise<RollbackOutcome> };
  readonly last?: { readonly kind: ResourceKind; readonly id: string; readonly undo: () => Promise<RollbackOutcome> };
  /** `kind:id` of plan entries an earlier pass already saw gone: not asked again (the sweep still sees them). */
  readonly skip?: ReadonlySet<string>;
}

/** The undo engine's clients; `eniCleanup` (default: the cleanup role of ENI_CLEANUP_ROLE_ARN) deletes Lambda ENIs. */
type UndoClients = Pick<AwsClients, 'ec2' | 'lambda' | 'cloudwatch' | 'autoscaling' | 'ssm'> & { readonly eniCleanup?: EniCleanupClient };

/**
 * One pass over a plan, in order. Just before the first security group or subnet, the Lambda ENIs left in
 * the plan's subnets and groups are swept (deleted when detached and in our subnets, waited for otherwise).
 */
export async function runUndoPlan(clients: UndoClients, plan: readonly LedgerEntry[], hooks: UndoHooks = {}): Promise<UndoPass> {
  const run = new UndoRun();
  if (hooks.first) await run.attempt(hooks.first.kind, hooks.first.id, hooks.first.undo);
  let swept = false;
  for (const entry of plan) {
    // The function's entries are the hooks' work; Lambda's ENIs are swept, not deleted one by one.
    if (FUNCTION_KINDS.has(entry.kind) || entry.kind === 'network-interface') continue;
    if (!swept && (entry.kind === 'security-group' || entry.kind === 'subnet' || entry.kind === 'vpc')) {
      swept = true;
      await sweep(clients, plan, run);
    }
    // A user's own address (network.eipAllocationIds) is used, never released: it waits for nothing.
    if (hooks.skip?.has(`${entry.kind}:${entry.id}`) || (!isBorrowed(entry) && run.blocked(entry.kind, entry.id))) continue;
    // An address kept for its network (network.keepEgressIps) stays allocated, tagged as kept: once its NAT is gone.
    const undo = isBorrowed(entry)
      ? () => Promise.resolve<RollbackOutcome>('unchanged')
      : keptFor(entry)
        ? () => keepAddress(clients.ec2, entry)
        : entry.kind === 'probe-function'
        ? () => deleteProbeFunction(clients.lambda, entry.id)
        : entry.kind === 'cloudwatch-alarm'
          ? () => deleteNatAlarm(clients.cloudwatch, entry.id)
          : entry.kind === 'ssm-parameter'
            ? () => deleteNetworkParameter(clients.ssm, entry.id)
          : isNatInstanceKind(entry.kind)
            ? () => undoNatInstanceEntry(clients, entry)
            : () => undoNetworkEntry(clients.ec2, entry);
    await run.attempt(entry.kind, entry.id, undo);
  }
  if (hooks.last) await run.attempt(hooks.last.kind, hooks.last.id, hooks.last.undo);
  return run.result();
}

async function sweep(clients: UndoClients, plan: readonly LedgerEntry[], run: UndoRun): Promise<void> {
  const subnetIds = plan.filter((entry) => entry.kind === 'subnet').map((entry) => entry.id);
  const securityGroupIds = plan.filter((entry) => entry.kind === 'security-group').map((entry) => entry.id);
  const natGatewayIds = plan.filter((entry) => entry.kind === 'nat-gateway').map((entry) => entry.id);
  if (subnetIds.length === 0 && securityGroupIds.length === 0) return;
  if (run.blocked('network-interface', `in ${[...subnetIds, ...securityGroupIds].join(', ')}`)) return;
  let sweepResult;
  try {
    sweepResult = await sweepLambdaNetworkInterfaces(clients.ec2, { subnetIds, securityGroupIds, natGatewayIds }, clients.eniCleanup ?? eniCleanupFromEnvironment());
  } catch (error) {
    await run.attempt('network-interface', `in ${[...subnetIds, ...securityGroupIds].join(', ')}`, () => Promise.reject(error));
    return;
  }
  for (const step of sweepResult) await run.attempt('network-interface', step.id, step.undo);
}

/**
 * One pass over the undo plan. A step that fails for good (UnauthorizedOperation, AccessDenied, anything but
 * "already gone", "still in use" or a transient error) is recorded with its error and the pass goes on with
 * every step that does not need it gone first.
 */
class UndoRun {
  private readonly steps: RollbackStep[] = [];
  private readonly pending: PendingStep[] = [];
  private readonly failed: FailedStep[] = [];

  async attempt(kind: ResourceKind, id: string, undo: () => Promise<RollbackOutcome>): Promise<void> {
    try {
      this.steps.push({ kind, id, outcome: await undo() });
    } catch (error) {
      if (isRetryLater(error)) {
        this.pending.push({ kind, id, reason: error instanceof StillInUse ? error.message : `${awsErrorName(error)}: ${(error as Error).message}` });
        return;
      }
      const reason = `${awsErrorName(error) ?? 'Error'}: ${error instanceof Error ? error.message : String(error)}`;
      logger.error('undo step failed; going on with the steps that do not depend on it', { kind, id, reason });
      this.failed.push({ kind, id, error: reason });
    }
  }

  /** True (and recorded) when a kind this one needs gone first is still pending or failed. */
  blocked(kind: ResourceKind, id: string): boolean {
    const needs = NEEDS_GONE_FIRST[kind] ?? [];
    const failedBlocker = this.failed.find((step) => needs.includes(step.kind));
    if (failedBlocker) {
      this.failed.push({ kind, id, error: `not tried: needs ${failedBlocker.kind} ${failedBlocker.id} gone first, which could not be undone` });
      return true;
    }
    const pendingBlocker = this.pending.find((step) => needs.includes(step.kind));
    if (pendingBlocker) {
      this.pending.push({ kind, id, reason: `waits for ${pendingBlocker.kind} ${pendingBlocker.id}: ${pendingBlocker.reason}` });
      return true;
    }
    return false;
  }

  result(): UndoPass {
    return { steps: [...this.steps], pending: [...this.pending], failed: [...this.failed] };
  }
}

/** `kind id (reason)` for each, joined: what a person reads in an error's message. */
export function describeSteps(steps: ReadonlyArray<PendingStep | FailedStep>): string {
  return steps.map((step) => `${step.kind} ${step.id} (${'reason' in step ? step.reason : step.error})`).join('; ');
}
