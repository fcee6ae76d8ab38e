import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { collectLedger } from '../shared/ledger';
import { createClients, type AwsClients } from '../shared/clients';
import { awsErrorName, ResourceStillInUse, RollbackIncomplete } from '../shared/errors';
import { logger } from '../shared/logger';
import { removeMembership } from '../shared/registry/remove-membership';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry, ResourceKind } from '../shared/types';
import { discoverCreatedResources, discoverRoutesToCreatedGateways } from './discover';
import { deleteNatAlarm, discoverCreatedAlarms } from './undo-alarm';
import { deleteProbeFunction, detachPolicyIfAttachedByExecution, restoreFunctionVpcConfig } from './undo-function';
import { isRetryLater, StillInUse, undoNetworkEntry } from './undo-network';
import type { FailedStep, OriginalFunctionRecord, PendingStep, RollbackInput, RollbackOutcome, RollbackReport, RollbackStep } from './types';

/** The order AWS allows things to be taken apart in; within one kind, newest first. */
const UNDO_ORDER: readonly ResourceKind[] = [
  'function-vpc-config',
  'probe-function',
  'cloudwatch-alarm',
  'vpc-endpoint',
  'route',
  'route-table-association',
  'route-table',
  'nat-gateway',
  'elastic-ip',
  'internet-gateway',
  'egress-only-internet-gateway',
  'security-group',
  'subnet',
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
  'elastic-ip': ['nat-gateway'],
  'internet-gateway': ['nat-gateway'],
  'security-group': ['function-vpc-config'],
  subnet: ['nat-gateway', 'function-vpc-config'],
  vpc: ['function-vpc-config', 'vpc-endpoint', 'route-table', 'nat-gateway', 'internet-gateway', 'egress-only-internet-gateway', 'security-group', 'subnet'],
};

export function undoPlan(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const unique = new Map<string, LedgerEntry>();
  for (const entry of entries) if (!unique.has(`${entry.kind}:${entry.id}`)) unique.set(`${entry.kind}:${entry.id}`, entry);
  return [...unique.values()].sort((a, b) => UNDO_ORDER.indexOf(a.kind) - UNDO_ORDER.indexOf(b.kind) || b.createdAt.localeCompare(a.createdAt));
}

/**
 * Compensation for a failed execution: removes exactly what it created (its ledger plus whatever carries
 * its execution tag) and puts the function and its role back as RecordFunction found them. Re-entrant:
 * when AWS makes it wait it throws ResourceStillInUse and the state machine calls it again.
 *
 * A failure after RecordMembership ($.membership) finds the network handed over to the registry: `ready`, its
 * ledger holding what this execution created, the lock given back, so other executions may already have
 * attached functions to it. Deleting it then would cut their egress and leave the registry describing a VPC
 * that is gone; so only the function and its role are put back, the membership this execution wrote is
 * removed (never one an earlier execution wrote), and the network stays for teardown.
 */
export async function rollback(clients: AwsClients, input: RollbackInput, registry?: Registry): Promise<RollbackReport> {
  const executionId = input.execution.id;
  const original = originalRecord(input);
  const handedOver = input.membership !== undefined;
  const plan = handedOver ? [] : await networkUndoPlan(clients, input);

  const run = new UndoRun();
  if (original) await run.attempt('function-vpc-config', original.functionArn, () => restoreFunctionVpcConfig(clients.lambda, original));
  for (const entry of plan) {
    if (entry.kind === 'function-vpc-config' || entry.kind === 'iam-policy-attachment') continue;
    if (run.blocked(entry.kind, entry.id)) continue;
    const undo =
      entry.kind === 'probe-function'
        ? () => deleteProbeFunction(clients.lambda, entry.id)
        : entry.kind === 'cloudwatch-alarm'
          ? () => deleteNatAlarm(clients.cloudwatch, entry.id)
          : () => undoNetworkEntry(clients.ec2, entry);
    await run.attempt(entry.kind, entry.id, undo);
  }
  if (original) await run.attempt('iam-policy-attachment', original.roleName, () => detachPolicyIfAttachedByExecution(clients.iam, original));
  if (handedOver) {
    if (!registry) throw new Error('Rollback after RecordMembership needs the registry to remove the membership');
    const functionArn = input.membership?.functionArn ?? original?.functionArn;
    if (functionArn) await removeMembership(registry, functionArn, { onlyIfExecution: executionId });
  }
  return run.finish(executionId, input.error);
}

/** What this execution created in the network, and the routes it added to gateways it created, in undo order. */
async function networkUndoPlan(clients: AwsClients, input: RollbackInput): Promise<LedgerEntry[]> {
  const discovered = await discoverCreatedResources(clients.ec2, clients.lambda, input.execution.id);
  // A NAT alarm whose ledger entry was lost with its failed task is found by its name prefix and execution tag.
  const network = input.request?.network;
  const alarms = network?.alarms ? await discoverCreatedAlarms(clients.cloudwatch, network.name, input.execution.id) : [];
  const known = [...collectLedger(input), ...discovered, ...alarms];
  const createdTables = new Set(known.filter((entry) => entry.kind === 'route-table').map((entry) => entry.id));
  const createdGateways = new Set(
    known.filter((entry) => ['nat-gateway', 'internet-gateway', 'egress-only-internet-gateway'].includes(entry.kind)).map((entry) => entry.id),
  );
  const routes = await discoverRoutesToCreatedGateways(clients.ec2, createdGateways, createdTables);
  return undoPlan([...known, ...routes]);
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

  /**
   * Waiting on AWS: ResourceStillInUse, which the state machine retries. Otherwise, anything that failed for
   * good: RollbackIncomplete, listing exactly what is left, each with its id and error.
   */
  finish(executionId: string, originalError: RollbackInput['error']): RollbackReport {
    const left = this.failed.map((step) => `${step.kind} ${step.id} (${step.error})`);
    if (this.pending.length > 0) {
      const summary = this.pending.map((step) => `${step.kind} ${step.id} (${step.reason})`).join('; ');
      throw new ResourceStillInUse(`Rollback is waiting on AWS: ${summary}${left.length ? `; could not be undone: ${left.join('; ')}` : ''}`, {
        pending: this.pending,
        failed: this.failed,
        done: this.steps,
      });
    }
    if (this.failed.length > 0) {
      throw new RollbackIncomplete(`Rollback could not undo ${this.failed.length} step(s), still there: ${left.join('; ')}`, { left: this.failed, done: this.steps });
    }
    logger.info('rollback complete', { steps: this.steps.length });
    return { executionId, ...(originalError ? { originalError } : {}), steps: this.steps };
  }
}

/** The RecordFunction record, or (if the state lost it) the one a function-vpc-config ledger entry carries. */
function originalRecord(input: RollbackInput): OriginalFunctionRecord | undefined {
  if (input.function?.original) return input.function.original;
  const entry = collectLedger(input).find((candidate) => candidate.kind === 'function-vpc-config');
  const recorded = entry?.detail?.originalRecord;
  return recorded ? (JSON.parse(recorded) as OriginalFunctionRecord) : undefined;
}

const clients = createClients({ ec2: EC2Client, iam: IAMClient, lambda: LambdaClient, cloudwatch: CloudWatchClient });
const dynamodb = new DynamoDBClient({});
export const handler = taskHandler('Rollback', (input: RollbackInput) => rollback(clients, input, { dynamodb, tableName: registryTableName() }));
