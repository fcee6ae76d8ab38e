import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  paginateGetExecutionHistory,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { ProvisionResult } from '../functions/report/report-result';
import { allPages } from '../functions/shared/paginate';
import type { ProvisionRequestInput } from '../functions/shared/types';
import { HistoryReader } from './aws-history';
import type { RunOutcome } from './output';
import type { StepEvent } from './steps';

/** The CloudFormation stack `npx cdk deploy` creates (infra/), and the output naming its state machine. */
export const DEFAULT_STACK_NAME = 'LambdaEgress';
export const STATE_MACHINE_OUTPUT = 'StateMachineArn';
/** Overrides the stack lookup, like --state-machine-arn. */
export const STATE_MACHINE_ENV = 'LAMBDA_EGRESS_STATE_MACHINE_ARN';

/** The deployed state machine cannot be found: says where the CLI looked and how to point it elsewhere. */
export class StateMachineNotFound extends Error {
  override readonly name = 'StateMachineNotFound';
}

export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region ? region : undefined;
}

export async function resolveStateMachineArn(
  cfn: CloudFormationClient,
  options: { readonly stateMachineArn?: string; readonly stackName?: string },
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const explicit = options.stateMachineArn ?? env[STATE_MACHINE_ENV];
  if (explicit) return explicit;
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  let stacks;
  try {
    stacks = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if ((error as Error).name === 'ValidationError') {
      throw new StateMachineNotFound(
        `No stack named ${stackName} in this account and region: deploy it with \`npx cdk deploy\`, or pass --stack-name NAME or --state-machine-arn ARN.`,
      );
    }
    throw error;
  }
  const output = stacks.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === STATE_MACHINE_OUTPUT)?.OutputValue;
  if (!output) throw new StateMachineNotFound(`Stack ${stackName} has no output ${STATE_MACHINE_OUTPUT}: is it the lambda-egress stack? Pass --state-machine-arn ARN.`);
  return output;
}

export async function startExecution(sfn: SFNClient, stateMachineArn: string, request: ProvisionRequestInput, name?: string): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(request), ...(name ? { name } : {}) }),
  );
  if (!started.executionArn) throw new Error('StartExecution returned no executionArn');
  return started.executionArn;
}

/** Every history event of an execution so far (all pages). */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return allPages(paginateGetExecutionHistory({ client: sfn, pageSize: 1000 }, { executionArn }), (page) => page.events);
}

export function outcomeOfExecution(execution: DescribeExecutionCommandOutput, reader: HistoryReader): RunOutcome {
  const status = execution.status === 'PENDING_REDRIVE' ? 'FAILED' : (execution.status ?? 'RUNNING');
  const started = execution.startDate?.getTime();
  const stopped = execution.stopDate?.getTime();
  const rollback = reader.rollback();
  return {
    mode: 'aws',
    status,
    executionArn: execution.executionArn ?? '',
    ...(status === 'SUCCEEDED' && execution.output ? { result: JSON.parse(execution.output) as ProvisionResult } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    ...(execution.cause ? { cause: execution.cause } : {}),
    ...(rollback ? { rollback } : {}),
    ...(started !== undefined && stopped !== undefined ? { durationMs: stopped - started } : {}),
  };
}

export interface FollowOptions {
  readonly onStep: (event: StepEvent) => void;
  /** Between polls of the history. Default 2 s (GetExecutionHistory allows bursts of 250 and 5 a second). */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Polls GetExecutionHistory and DescribeExecution until the execution stops, reporting each step as it happens. */
export async function followExecution(sfn: SFNClient, executionArn: string, options: FollowOptions): Promise<RunOutcome> {
  const reader = new HistoryReader();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    reader.read(await executionHistory(sfn, executionArn)).forEach(options.onStep);
    if (execution.status !== 'RUNNING') return outcomeOfExecution(execution, reader);
    await sleep(options.pollMs ?? 2_000);
  }
}

/** One look at an execution: its outcome so far and every step event of its history (for `status`). */
export async function readExecution(sfn: SFNClient, executionArn: string): Promise<{ outcome: RunOutcome; steps: StepEvent[] }> {
  const reader = new HistoryReader();
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const steps = reader.read(await executionHistory(sfn, executionArn));
  return { outcome: outcomeOfExecution(execution, reader), steps };
}

export function awsClients(region: string | undefined): { sfn: SFNClient; cfn: CloudFormationClient } {
  const config = region ? { region } : {};
  return { sfn: new SFNClient(config), cfn: new CloudFormationClient(config) };
}
