import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { narrowEniPolicyName } from '../shared/eni-policy-name';
import { collectLedger } from '../shared/ledger';
import { createClients, type AwsClients } from '../shared/clients';
import { ResourceStillInUse, RollbackIncomplete } from '../shared/errors';
import { logger } from '../shared/logger';
import { removeMembership } from '../shared/registry/delete-membership';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import { discoverCreatedResources, discoverRoutesToCreatedGateways } from '../undo/discover';
import { discoverCreatedAlarms } from '../undo/undo-alarm';
import { detachPolicyOnceEnisGone } from './rollback-role-policy';
import { restoreFunctionVpcConfig } from '../undo/undo-function';
import { describeSteps, runUndoPlan, undoPlan, type UndoPass } from '../undo/undo-engine';
import type { LeftVpcConfig } from '../undo/function-enis';
import type { OriginalFunctionRecord, RollbackInput, RollbackReport } from '../undo/types';
import { lostPartsOf } from '../network/nat-lost-parts';

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

  const firstPass = await runUndoPlan(clients, plan, {
    ...(original ? { first: { kind: 'function-vpc-config', id: original.functionArn, undo: () => restoreFunctionVpcConfig(clients.lambda, original) } } : {}),
    ...(original ? { last: { kind: 'iam-policy-attachment', id: original.roleName, undo: () => detachPolicyOnceEnisGone(clients, original, leftVpcConfig(input, original), narrowPolicyOf(input)) } } : {}),
  });
  const pass = handedOver ? firstPass : await withLateCreations(clients, input, plan, firstPass);
  if (handedOver) {
    if (!registry) throw new Error('Rollback after RecordMembership needs the registry to remove the membership');
    const functionArn = input.membership?.functionArn ?? original?.functionArn;
    if (functionArn) await removeMembership(registry, functionArn, { onlyIfExecution: executionId });
  }
  return finish(pass, executionId, input.error);
}

/** What this execution created in the network, and the routes it added to gateways it created, in undo order. */
/**
 * The narrow inline ENI policy DetachVpcAccessPolicy puts (request.keepNarrowEniPolicy) is only ever put after
 * RecordMembership, so only a Rollback after it can have one to delete; the function leaves the network with it.
 */
function narrowPolicyOf(input: RollbackInput): string | undefined {
  const network = input.request?.network;
  return input.membership !== undefined && input.request?.keepNarrowEniPolicy && network ? narrowEniPolicyName(network.name) : undefined;
}

async function networkUndoPlan(clients: AwsClients, input: RollbackInput): Promise<LedgerEntry[]> {
  const discovered = await discoverCreatedResources(clients.ec2, clients.lambda, input.execution.id);
  // A NAT alarm whose ledger entry was lost with its failed task is found by its name prefix and execution tag.
  const network = input.request?.network;
  const alarms = network?.alarms ? await discoverCreatedAlarms(clients.cloudwatch, network.name, input.execution.id) : [];
  // What the mode's own failed task may have left unledgered (a NAT instance's group, template and ENI).
  const natInstances = await lostPartsOf(network?.natGateways)(clients, input.execution.id);
  const known = [...collectLedger(input), ...discovered, ...alarms, ...natInstances];
  const createdTables = new Set(known.filter((entry) => entry.kind === 'route-table').map((entry) => entry.id));
  const createdGateways = new Set(
    known.filter((entry) => ['nat-gateway', 'nat-instance-eni', 'internet-gateway', 'egress-only-internet-gateway'].includes(entry.kind)).map((entry) => entry.id),
  );
  const routes = await discoverRoutesToCreatedGateways(clients.ec2, createdGateways, createdTables);
  return undoPlan([...known, ...routes]);
}

/**
 * A task of a failed Map or Parallel branch may still be running when Rollback starts (Step Functions discards
 * its result, not its work): what it created since this pass planned is left for another pass.
 */
async function withLateCreations(clients: AwsClients, input: RollbackInput, plan: readonly LedgerEntry[], pass: UndoPass): Promise<UndoPass> {
  if (pass.pending.length > 0 || pass.failed.length > 0) return pass;
  const planned = new Set(plan.map((entry) => `${entry.kind}:${entry.id}`));
  const late = (await networkUndoPlan(clients, input)).filter((entry) => !planned.has(`${entry.kind}:${entry.id}`));
  const reason = 'created by a task of this execution still running when Rollback began: undone on the next pass';
  return { ...pass, pending: late.map((entry) => ({ kind: entry.kind, id: entry.id, reason })) };
}

/**
 * Waiting on AWS: ResourceStillInUse, which the state machine retries. Otherwise, anything that failed for
 * good: RollbackIncomplete, listing exactly what is left, each with its id and error.
 */
function finish(pass: UndoPass, executionId: string, originalError: RollbackInput['error']): RollbackReport {
  const left = describeSteps(pass.failed);
  if (pass.pending.length > 0) {
    throw new ResourceStillInUse(`Rollback is waiting on AWS: ${describeSteps(pass.pending)}${left ? `; could not be undone: ${left}` : ''}`, {
      pending: pass.pending,
      failed: pass.failed,
      done: pass.steps,
    });
  }
  if (pass.failed.length > 0) {
    throw new RollbackIncomplete(`Rollback could not undo ${pass.failed.length} step(s), still there: ${left}`, { left: pass.failed, done: pass.steps });
  }
  logger.info('rollback complete', { steps: pass.steps.length });
  return { executionId, ...(originalError ? { originalError } : {}), steps: pass.steps };
}

/** The network configuration AttachFunction moved the function onto, if it did: whose ENIs the role's policy must outlive. */
function leftVpcConfig(input: RollbackInput, original: OriginalFunctionRecord): LeftVpcConfig | undefined {
  const attach = input.function?.attach;
  return attach ? { functionArn: original.functionArn, subnetIds: attach.subnetIds, securityGroupIds: attach.securityGroupIds } : undefined;
}

/** The RecordFunction record, or (if the state lost it) the one a function-vpc-config ledger entry carries. */
function originalRecord(input: RollbackInput): OriginalFunctionRecord | undefined {
  if (input.function?.original) return input.function.original;
  const entry = collectLedger(input).find((candidate) => candidate.kind === 'function-vpc-config');
  const recorded = entry?.detail?.originalRecord;
  return recorded ? (JSON.parse(recorded) as OriginalFunctionRecord) : undefined;
}

const clients = createClients({ ec2: EC2Client, iam: IAMClient, lambda: LambdaClient, cloudwatch: CloudWatchClient, autoscaling: AutoScalingClient, ssm: SSMClient });
const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('Rollback', (input: RollbackInput) => rollback(clients, input, registry));
