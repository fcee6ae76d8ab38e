import { DescribeExecutionCommand, StartExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';
import { awsErrorName, undefinedWhenNotFound } from '../shared/errors';
import { consoleHost } from '../shared/partition-names';
import { executionArnOf, type ApiAnswer } from './requests';

/**
 * Starting a workflow under a name the API derives from the resource (a request id, a network), so a repeated
 * DELETE never starts a second one: StartExecution with the name and input of a running execution returns that
 * execution, and any other use of the name answers ExecutionAlreadyExists, for as long as Step Functions keeps
 * the closed execution (90 days: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
export type NamedExecution =
  | { readonly kind: 'started'; readonly executionArn: string; readonly startDate?: Date }
  | { readonly kind: 'existing'; readonly execution: DescribeExecutionCommandOutput }
  | { readonly kind: 'taken'; readonly executionArn: string };

export async function startNamedExecution(sfn: SFNClient, stateMachineArn: string, name: string, input: string): Promise<NamedExecution> {
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    return { kind: 'started', executionArn: started.executionArn ?? executionArnOf(stateMachineArn, name), ...(started.startDate ? { startDate: started.startDate } : {}) };
  } catch (error) {
    if (awsErrorName(error) !== 'ExecutionAlreadyExists') throw error;
    const executionArn = executionArnOf(stateMachineArn, name);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return sameJson(execution.input, input) ? { kind: 'existing', execution } : { kind: 'taken', executionArn };
  }
}

/** The execution of that name, or undefined when there is none. */
export async function describeNamedExecution(sfn: SFNClient, stateMachineArn: string, name: string): Promise<DescribeExecutionCommandOutput | undefined> {
  return undefinedWhenNotFound(sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) })), (error) => awsErrorName(error) === 'ExecutionDoesNotExist');
}

/** Step Functions at its limits: the caller retries the same DELETE later. */
export function throttled(error: unknown): ApiAnswer | undefined {
  const code = awsErrorName(error);
  if (code !== 'ExecutionLimitExceeded' && code !== 'ThrottlingException') return undefined;
  return { statusCode: 429, body: { message: `Step Functions is at its limit (${code}); send the same request again later` } };
}

/** What an answer says about a workflow execution: where to follow it, and how it ended once it has. */
export function executionFields(execution: { executionArn: string; status: string; startDate?: Date | undefined; error?: string | undefined; cause?: string | undefined }): Record<string, unknown> {
  const consoleUrl = consoleUrlOf(execution.executionArn);
  return {
    executionArn: execution.executionArn,
    status: execution.status,
    ...(execution.startDate ? { startDate: execution.startDate.toISOString() } : {}),
    ...(consoleUrl ? { consoleUrl } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
  };
}

/** The Step Functions console page of an execution, on its partition's console host (functions/shared/partition.ts). */
export function consoleUrlOf(executionArn: string): string | undefined {
  const [, partition, , region] = executionArn.split(':');
  const host = partition && region ? consoleHost(partition, region) : undefined;
  if (!host) return undefined;
  return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

export function sameJson(a: string | undefined, b: string): boolean {
  try {
    return a !== undefined && JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
