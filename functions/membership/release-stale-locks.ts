import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { keyLogsByExecution, logger } from '../shared/logger';
import { ENDED_WITHOUT_UNLOCK } from '../shared/registry/lock-policy';
import { releaseLocksOwnedBy } from '../shared/registry/stale-locks';
import { registryTableName, type Registry } from '../shared/registry/table';

/** The `detail` of a "Step Functions Execution Status Change" event (events/sfn-execution-status-change.json). */
interface ExecutionStatusChange {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name?: string;
  readonly status: string;
}

export type ExecutionStatusChangeEvent = EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusChange>;

interface StaleLockRelease {
  readonly executionArn: string;
  readonly status: string;
  readonly released: string[];
  readonly networksFailed: string[];
}

/**
 * The target of the EventBridge rule on executions of the provisioning state machine that ended ABORTED,
 * TIMED_OUT or FAILED: frees the locks that execution still holds at once, instead of at lease expiry, and
 * marks the networks it was building `failed`. EventBridge delivers at least once: a second delivery finds
 * nothing left to release.
 */
export async function releaseStaleLocks(registry: Registry, event: Pick<ExecutionStatusChangeEvent, 'detail'>): Promise<StaleLockRelease> {
  const { executionArn, status } = event.detail;
  if (!executionArn) throw new Error('the event has no detail.executionArn: is it a Step Functions Execution Status Change event?');
  if (!(ENDED_WITHOUT_UNLOCK as readonly string[]).includes(status)) return { executionArn, status, released: [], networksFailed: [] };
  const { released, networksFailed } = await releaseLocksOwnedBy(registry, executionArn);
  return { executionArn, status, released: released.map((key) => key.pk), networksFailed };
}

const dynamodb = new DynamoDBClient({});
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export async function handler(event: ExecutionStatusChangeEvent, context?: Context): Promise<StaleLockRelease> {
  if (context) logger.addContext(context);
  keyLogsByExecution(event.detail?.executionArn, 'ReleaseStaleLocks');
  const result = await releaseStaleLocks(registry, event);
  logger.info('stale locks released', { status: result.status, released: result.released, networksFailed: result.networksFailed });
  return result;
}
