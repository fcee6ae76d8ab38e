import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { executionHistory, HistoryReader, outcomeOfExecution } from '../functions/api/execution-history';
import { onAws, type RunOutcome } from './run-outcome';
import { DEFAULT_STACK_NAME, STATE_MACHINE_OUTPUT } from '../functions/shared/stack-names';
import type { ProvisionRequestInput } from '../functions/shared/types';
import type { StepEvent } from './steps';
import { UsageError } from './io';

/** Overrides the stack lookup, like --state-machine-arn. */
const CLI_STATE_MACHINE_ENV = 'LAMBDA_EGRESS_STATE_MACHINE_ARN';

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
  options: { readonly stateMachineArn?: string; readonly stackName?: string; readonly outputKey?: string },
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const outputKey = options.outputKey ?? STATE_MACHINE_OUTPUT;
  // The environment variable names the provisioning state machine only.
  const explicit = options.stateMachineArn ?? (outputKey === STATE_MACHINE_OUTPUT ? env[CLI_STATE_MACHINE_ENV] : undefined);
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
  const output = stacks.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === outputKey)?.OutputValue;
  if (!output) throw new StateMachineNotFound(`Stack ${stackName} has no output ${outputKey}: is it the lambda-egress stack (deployed with release and teardown)? Pass --state-machine-arn ARN.`);
  return output;
}

export async function startExecution(sfn: SFNClient, stateMachineArn: string, request: ProvisionRequestInput | object, name?: string): Promise<string> {
  const started = await sfn
    .send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(request), ...(name ? { name } : {}) }))
    .catch((error: Error) => {
      // A name runs once in 90 days: a closed execution's name answers ExecutionAlreadyExists whatever the input
      // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
      if (error.name !== 'ExecutionAlreadyExists' || !name) throw error;
      throw new UsageError(`--execution-name: the state machine already has an execution named "${name}" (Step Functions runs a name once in 90 days): choose another name, or leave --execution-name out; \`lambda-egress status\` of that execution shows it.`);
    });
  if (!started.executionArn) throw new Error('StartExecution returned no executionArn');
  return started.executionArn;
}

interface FollowOptions {
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
    if (execution.status !== 'RUNNING') return onAws(outcomeOfExecution(execution, reader));
    await sleep(options.pollMs ?? 2_000);
  }
}
