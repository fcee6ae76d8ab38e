import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { collectLedger } from '../shared/ledger';
import { createClients, type AwsClients } from '../shared/clients';
import { ResourceStillInUse } from '../shared/errors';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry, ResourceKind } from '../shared/types';
import { discoverCreatedResources, discoverRoutesToCreatedGateways } from './discover';
import { deleteProbeFunction, detachPolicyIfAttachedByExecution, restoreFunctionVpcConfig } from './undo-function';
import { StillInUse, undoNetworkEntry } from './undo-network';
import type { OriginalFunctionRecord, PendingStep, RollbackInput, RollbackOutcome, RollbackReport, RollbackStep } from './types';

/** The order AWS allows things to be taken apart in; within one kind, newest first. */
const UNDO_ORDER: readonly ResourceKind[] = [
  'function-vpc-config',
  'probe-function',
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

/** Kinds that cannot go while a NAT is still deleting, or while the function's ENIs may still exist. */
const WAITS_FOR_NAT: ReadonlySet<ResourceKind> = new Set(['elastic-ip', 'internet-gateway', 'subnet', 'vpc']);
const WAITS_FOR_FUNCTION: ReadonlySet<ResourceKind> = new Set(['security-group', 'subnet', 'vpc']);

export function undoPlan(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const unique = new Map<string, LedgerEntry>();
  for (const entry of entries) if (!unique.has(`${entry.kind}:${entry.id}`)) unique.set(`${entry.kind}:${entry.id}`, entry);
  return [...unique.values()].sort((a, b) => UNDO_ORDER.indexOf(a.kind) - UNDO_ORDER.indexOf(b.kind) || b.createdAt.localeCompare(a.createdAt));
}

/**
 * Compensation for a failed execution: removes exactly what it created (its ledger plus whatever carries
 * its execution tag) and puts the function and its role back as RecordFunction found them. Re-entrant:
 * when AWS makes it wait it throws ResourceStillInUse and the state machine calls it again.
 */
export async function rollback(clients: AwsClients, input: RollbackInput): Promise<RollbackReport> {
  const executionId = input.execution.id;
  const original = originalRecord(input);
  const discovered = await discoverCreatedResources(clients.ec2, clients.lambda, executionId);
  const known = [...collectLedger(input), ...discovered];
  const createdTables = new Set(known.filter((entry) => entry.kind === 'route-table').map((entry) => entry.id));
  const createdGateways = new Set(
    known.filter((entry) => ['nat-gateway', 'internet-gateway', 'egress-only-internet-gateway'].includes(entry.kind)).map((entry) => entry.id),
  );
  const routes = await discoverRoutesToCreatedGateways(clients.ec2, createdGateways, createdTables);
  const plan = undoPlan([...known, ...routes]);

  const steps: RollbackStep[] = [];
  const pending: PendingStep[] = [];
  const waitFor = (kind: ResourceKind, id: string, reason: string): void => void pending.push({ kind, id, reason });

  if (original) {
    await attempt('function-vpc-config', original.functionArn, () => restoreFunctionVpcConfig(clients.lambda, original), steps, pending);
  }
  for (const entry of plan) {
    if (entry.kind === 'function-vpc-config' || entry.kind === 'iam-policy-attachment') continue;
    const natPending = pending.some((step) => step.kind === 'nat-gateway');
    const functionPending = pending.some((step) => step.kind === 'function-vpc-config');
    if (natPending && WAITS_FOR_NAT.has(entry.kind)) {
      waitFor(entry.kind, entry.id, 'waits for the NAT gateway to finish deleting');
      continue;
    }
    if (functionPending && WAITS_FOR_FUNCTION.has(entry.kind)) {
      waitFor(entry.kind, entry.id, "waits for Lambda to release the function's network interfaces");
      continue;
    }
    const undo = entry.kind === 'probe-function' ? () => deleteProbeFunction(clients.lambda, entry.id) : () => undoNetworkEntry(clients.ec2, entry);
    await attempt(entry.kind, entry.id, undo, steps, pending);
  }
  if (original) {
    await attempt('iam-policy-attachment', original.roleName, () => detachPolicyIfAttachedByExecution(clients.iam, original), steps, pending);
  }

  if (pending.length > 0) {
    const summary = pending.map((step) => `${step.kind} ${step.id} (${step.reason})`).join('; ');
    throw new ResourceStillInUse(`Rollback is waiting on AWS: ${summary}`, { pending, done: steps });
  }
  logger.info('rollback complete', { steps: steps.length });
  return { executionId, ...(input.error ? { originalError: input.error } : {}), steps };
}

async function attempt(
  kind: ResourceKind,
  id: string,
  undo: () => Promise<RollbackOutcome>,
  steps: RollbackStep[],
  pending: PendingStep[],
): Promise<void> {
  try {
    steps.push({ kind, id, outcome: await undo() });
  } catch (error) {
    if (!(error instanceof StillInUse)) throw error;
    pending.push({ kind, id, reason: error.message });
  }
}

/** The RecordFunction record, or (if the state lost it) the one a function-vpc-config ledger entry carries. */
function originalRecord(input: RollbackInput): OriginalFunctionRecord | undefined {
  if (input.function?.original) return input.function.original;
  const entry = collectLedger(input).find((candidate) => candidate.kind === 'function-vpc-config');
  const recorded = entry?.detail?.originalRecord;
  return recorded ? (JSON.parse(recorded) as OriginalFunctionRecord) : undefined;
}

const clients = createClients({ ec2: EC2Client, iam: IAMClient, lambda: LambdaClient });
export const handler = taskHandler('Rollback', (input: RollbackInput) => rollback(clients, input));
