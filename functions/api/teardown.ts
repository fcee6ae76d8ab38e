import type { DescribeExecutionCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import schema from '../shared/request.schema.json';
import { readNetworkRecord } from '../shared/registry/item-access';
import type { Registry } from '../shared/registry/table';
import { describeNamedExecution, executionFields, sameJson, startNamedExecution, throttled } from './named-execution';
import type { ApiAnswer } from './requests';

const NAME = schema.properties.network.properties.name;
const NETWORK_NAME_PATTERN = new RegExp(NAME.pattern);
/** Teardown attempts of one network the API walks before it gives up (each failed one stays listed 90 days). */
const MAX_TEARDOWN_ATTEMPTS = 50;

/**
 * DELETE /networks/{name}: starts the teardown of a network, under a name derived from the network so that a
 * repeated DELETE answers the teardown already running (202) or already done (200) and never starts a second
 * one. A teardown that failed (it refuses while functions are members) is not the last word: the next DELETE
 * starts a new attempt, `<name>--2`, `<name>--3`, ...; so does a network of that name built again after a
 * teardown succeeded (its registry record is newer than that teardown).
 */
export async function teardownNetwork(clients: { sfn: SFNClient; registry: Registry }, teardownStateMachineArn: string, network: string | undefined): Promise<ApiAnswer> {
  if (network === undefined || network.length > NAME.maxLength || !NETWORK_NAME_PATTERN.test(network)) {
    return {
      statusCode: 400,
      body: { message: `the network name must be 1 to ${NAME.maxLength} letters, digits, '.', '_' or '-', starting with a letter or digit (got ${JSON.stringify((network ?? '').slice(0, 100))})` },
    };
  }
  const input = JSON.stringify({ network });
  const record = await readNetworkRecord(clients.registry, network);
  const { latest, free } = await teardownAttempts(clients.sfn, teardownStateMachineArn, network, input);

  if (latest?.status === 'RUNNING') return answerWith(202, network, latest);
  const rebuiltSince = (teardown: DescribeExecutionCommandOutput) => record !== undefined && Date.parse(record.createdAt) > (teardown.startDate?.getTime() ?? 0);
  if (latest?.status === 'SUCCEEDED' && !rebuiltSince(latest)) return answerWith(200, network, latest);
  if (!record) return { statusCode: 404, body: { message: `no network ${network} in the registry (GET /networks lists them)` } };
  if (!free) {
    return { statusCode: 409, body: { message: `network ${network} has ${MAX_TEARDOWN_ATTEMPTS} failed teardowns; read the last one and tear it down with lambda-egress teardown --network ${network}`, ...(latest ? executionFields(fieldsOf(latest)) : {}) } };
  }

  let named;
  try {
    named = await startNamedExecution(clients.sfn, teardownStateMachineArn, free, input);
  } catch (error) {
    const limited = throttled(error);
    if (limited) return limited;
    throw error;
  }
  if (named.kind === 'started') return { statusCode: 202, body: { network, ...executionFields({ ...named, status: 'RUNNING' }) } };
  if (named.kind === 'existing') return answerWith(named.execution.status === 'RUNNING' ? 202 : 200, network, named.execution);
  return { statusCode: 409, body: { message: `another DELETE /networks took the name ${free} at the same moment; send this one again`, executionArn: named.executionArn } };
}

/**
 * `<base>`, `<base>--2`, ...: a '.' of a network name becomes '_', because Step Functions logs to CloudWatch Logs
 * only executions whose names are letters, digits, '-' and '_'
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html, `name`).
 */
function teardownExecutionName(network: string, attempt: number): string {
  const base = network.replace(/[^A-Za-z0-9_-]/g, '_');
  return attempt === 1 ? base : `${base}--${attempt}`;
}

/**
 * The latest teardown of this network (executions named like another network's, after the '.' mapping, are
 * told apart by their input) and the first name not used yet.
 */
async function teardownAttempts(sfn: SFNClient, stateMachineArn: string, network: string, input: string): Promise<{ latest?: DescribeExecutionCommandOutput; free?: string }> {
  let latest: DescribeExecutionCommandOutput | undefined;
  for (let attempt = 1; attempt <= MAX_TEARDOWN_ATTEMPTS; attempt += 1) {
    const name = teardownExecutionName(network, attempt);
    const execution = await describeNamedExecution(sfn, stateMachineArn, name);
    if (!execution) return { ...(latest ? { latest } : {}), free: name };
    if (sameJson(execution.input, input)) latest = execution;
  }
  return latest ? { latest } : {};
}

function fieldsOf(execution: DescribeExecutionCommandOutput) {
  return { executionArn: execution.executionArn ?? '', status: execution.status ?? 'RUNNING', startDate: execution.startDate, error: execution.error, cause: execution.cause };
}

function answerWith(statusCode: number, network: string, execution: DescribeExecutionCommandOutput): ApiAnswer {
  return { statusCode, body: { network, ...executionFields(fieldsOf(execution)) } };
}
