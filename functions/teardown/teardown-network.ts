import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createClients, type AwsClients } from '../shared/clients';
import { TeardownIncomplete, TeardownTimeout } from '../shared/errors';
import { withEgressIpDecision } from '../shared/kept-egress-ips';
import { logger } from '../shared/logger';
import { deleteNetworkRecord, markNetworkDeleting } from '../shared/registry/network-teardown';
import { readNetwork } from '../shared/registry/read-network';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { TeardownNetworkInput, TeardownPass } from './types';
import type { RollbackOutcome } from '../undo/types';
import { TEARDOWN_MAX_ATTEMPTS, teardownLedger } from './teardown-ledger';
import { refuseNamedDependencyViolations } from './refuse-blockers';
import { refuseWhileInUse } from './teardown-plan';
import { describeSteps, runUndoPlan } from '../undo/undo-engine';

/** Outcomes after which a later pass has nothing left to do (a NAT gateway counts only once it is `deleted`; a kept address is tagged). */
const GONE: ReadonlySet<RollbackOutcome> = new Set(['deleted', 'already-gone', 'kept']);

/**
 * One pass of a network's teardown, under its lock: refuses while it has members, marks it `deleting`, runs the
 * undo engine over its ledger (everything lambda-egress created in it, over every execution, nothing else)
 * and, once nothing is left, deletes its record. While AWS makes it wait, it returns what it waits for and the
 * state machine comes back after a Wait; a step that failed for good ends it in TeardownIncomplete.
 */
export async function teardownNetwork(clients: Pick<AwsClients, 'ec2' | 'lambda' | 'cloudwatch' | 'autoscaling' | 'ssm'>, registry: Registry, input: TeardownNetworkInput, maxAttempts = TEARDOWN_MAX_ATTEMPTS): Promise<TeardownPass> {
  const name = input.request.network.name;
  const attempt = (input.teardown?.attempt ?? 0) + 1;
  const network = await readNetwork(registry, name);
  if (!network.record) return { network: name, complete: true, attempt, maxAttempts, waitingFor: [], steps: [], alreadyGone: true };
  refuseWhileInUse(network);
  await markNetworkDeleting(registry, name, input.execution.id);

  // While Lambda's ENIs linger (20-45 minutes) the loop comes back every 30 s: what earlier passes deleted is
  // not deleted again (each would be one more mutating call, answered NotFound).
  const goneBefore = new Set(input.teardown?.gone ?? []);
  // network.keepEgressIps: the Elastic IPs lambda-egress allocated stay, tagged as kept, unless --release-egress-ips.
  const keep = network.record.keepEgressIps === true && input.releaseEgressIps !== true;
  const plan = withEgressIpDecision(teardownLedger(network.record), name, keep);
  const pass = await runUndoPlan(clients, plan, { skip: goneBefore });
  const gone = [...goneBefore, ...pass.steps.filter((step) => GONE.has(step.outcome)).map((step) => `${step.kind}:${step.id}`)];
  if (pass.pending.length > 0) {
    await refuseNamedDependencyViolations(clients, name, network.record.ledger, pass.pending);
    const waitingFor = pass.pending.map((step) => `${step.kind} ${step.id} (${step.reason})`);
    if (attempt >= maxAttempts) {
      throw new TeardownTimeout(
        `teardown of network "${name}" still waits on AWS after ${attempt} passes: ${waitingFor.join('; ')}; the network stays 'deleting': run the teardown again`,
        { network: name, pending: pass.pending, failed: pass.failed },
      );
    }
    logger.info('teardown waits on AWS', { network: name, attempt, waitingFor });
    return { network: name, complete: false, attempt, maxAttempts, waitingFor, steps: pass.steps, gone };
  }
  if (pass.failed.length > 0) {
    throw new TeardownIncomplete(
      `teardown of network "${name}" could not delete ${pass.failed.length} resource(s), still there: ${describeSteps(pass.failed)}; the network stays 'deleting' with its ledger: fix the cause and run the teardown again`,
      { network: name, left: pass.failed, done: pass.steps },
    );
  }
  await deleteNetworkRecord(registry, name);
  logger.info('network torn down', { network: name, steps: pass.steps.length });
  return { network: name, complete: true, attempt, maxAttempts, waitingFor: [], steps: pass.steps };
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient, cloudwatch: CloudWatchClient, autoscaling: AutoScalingClient, ssm: SSMClient });
const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('TeardownNetwork', (input: TeardownNetworkInput) => teardownNetwork(clients, registry, input));
