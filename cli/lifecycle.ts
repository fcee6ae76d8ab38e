import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createClients } from '../functions/shared/clients';
import { RELEASE_STATE_MACHINE_OUTPUT, TEARDOWN_STATE_MACHINE_OUTPUT } from '../functions/shared/stack-names';
import { prepareLocalRun } from '../local/local-environment';
import { RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from '../statemachine/definition';
import { runLocally } from '../statemachine/local-runner';
import type { ParsedCommand } from './parsed-command';
import { followExecution, regionOfArn, resolveStateMachineArn, startExecution } from './aws-mode';
import { parseErrorMessage } from '../functions/shared/errors';
import { colorEnabled, EXIT, palette, writeLine, type CliIo, type ExitCode } from './io';
import { confirmed } from './confirm';
import { jsonError, writeJson } from './json-output';
import { formatReleaseSummary, formatTeardownSummary, summarizeLifecycle } from './lifecycle-summary';
import { causeMessage, exitCodeOf, type RunOutcome } from './output';
import { createProgressRenderer, formatDuration, type ProgressRenderer } from './progress';
import { stepEventOfLocal } from './steps';
import { watchLocalRun } from './local-run-watch';
import { withLocalEnvironment } from './target-environment';

type LifecycleCommand = Extract<ParsedCommand, { command: 'release' | 'teardown' }>;

/** Each lifecycle workflow: its definition (local mode) and its stack output (AWS). */
const WORKFLOWS = {
  release: { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', outputKey: RELEASE_STATE_MACHINE_OUTPUT },
  teardown: { definitionPath: TEARDOWN_DEFINITION_PATH, stateMachineName: 'lambda-egress-teardown', outputKey: TEARDOWN_STATE_MACHINE_OUTPUT },
} as const;

/** The execution input (WAVE2.md): release `{ functionName, teardownIfUnused? }`, teardown `{ network, releaseEgressIps? }`. */
function inputOf(command: LifecycleCommand): object {
  if (command.command === 'release') return { functionName: command.functionName, ...(command.teardownIfUnused ? { teardownIfUnused: true } : {}) };
  return { network: command.network, ...(command.releaseEgressIps ? { releaseEgressIps: true } : {}) };
}

async function runLocal(command: LifecycleCommand, io: CliIo, progress: ProgressRenderer): Promise<RunOutcome> {
  const workflow = WORKFLOWS[command.command];
  return withLocalEnvironment(command.target, io, { say: (line) => progress.note(line) }, async (environment) => {
    const setup = await prepareLocalRun(environment, io.env);
    const started = Date.now();
    const watch = watchLocalRun(io, environment);
    const run = await runLocally(inputOf(command), {
      definitionPath: workflow.definitionPath,
      stateMachineName: workflow.stateMachineName,
      resolveTask: setup.resolveTask,
      accountId: setup.account,
      region: environment.region,
      skipWaits: true,
      skipRetryIntervals: true,
      onStart: watch.onStart,
      onEvent: (event) => {
        const step = stepEventOfLocal(event);
        if (step) watch.onStep(step);
        if (step) progress.onEvent(step);
      },
    });
    const outcome = {
      mode: 'local',
      status: run.status,
      executionArn: run.executionArn,
      ...(run.status === 'SUCCEEDED' ? { output: run.output } : {}),
      ...(run.error ? { error: run.error } : {}),
      ...(run.cause !== undefined ? { cause: run.cause } : {}),
      durationMs: Date.now() - started,
      stateTransitions: run.stateTransitions,
    } as RunOutcome;
    watch.end(outcome);
    return outcome;
  });
}

async function runOnAws(command: LifecycleCommand, io: CliIo, progress: ProgressRenderer): Promise<RunOutcome> {
  const region = command.target.region ?? (command.target.stateMachineArn ? regionOfArn(command.target.stateMachineArn) : undefined);
  const { sfn, cfn } = createClients({ sfn: SFNClient, cfn: CloudFormationClient }, { region });
  const stateMachineArn = await resolveStateMachineArn(cfn, { ...command.target, outputKey: WORKFLOWS[command.command].outputKey }, io.env);
  const executionArn = await startExecution(sfn, stateMachineArn, inputOf(command));
  progress.note(`Started ${executionArn}`);
  return followExecution(sfn, executionArn, { onStep: (event) => progress.onEvent(event) });
}

/**
 * `lambda-egress release` and `lambda-egress teardown`: the workflow on AWS, or in-process with --local, with
 * live progress; exit 0 done, 2 rejected input (InvalidRequest), 1 anything else (a teardown of a network in
 * use: NetworkInUse, naming each function; nothing deleted).
 */
export async function lifecycleCommand(command: LifecycleCommand, io: CliIo): Promise<ExitCode> {
  const question =
    command.command === 'release'
      ? `Release ${command.functionName}: restore its own VPC configuration${command.teardownIfUnused ? ', then delete its network if no function uses it' : ''}?`
      : `Tear down network "${command.network}": delete everything lambda-egress created for it (plan --teardown --network ${command.network} lists it)?`;
  if (!(await confirmed(io, question, command.yes))) {
    writeLine(io.stderr, 'Not confirmed: nothing was changed. (--yes skips the question.)');
    return EXIT.failed;
  }
  const progress = createProgressRenderer({ stream: command.output.json ? io.stderr : io.stdout, env: io.env, quiet: command.output.quiet });
  let outcome: RunOutcome;
  try {
    outcome = command.target.local ? await runLocal(command, io, progress) : await runOnAws(command, io, progress);
  } finally {
    progress.finish();
  }
  const output = (outcome as RunOutcome & { output?: unknown }).output ?? outcome.result;
  const alreadyGone = command.command === 'teardown' && networkWasAlreadyGone(outcome, command.network);
  const summary = alreadyGone ? { ...summarizeLifecycle(undefined), network: command.network, alreadyGone: true } : summarizeLifecycle(output);
  const succeeded = outcome.status === 'SUCCEEDED' || alreadyGone;
  if (command.output.json) {
    writeJson(io, command.command, {
      status: succeeded ? 'SUCCEEDED' : outcome.status,
      mode: outcome.mode,
      ...(outcome.executionArn ? { executionArn: outcome.executionArn } : {}),
      ...(succeeded ? { summary } : {}),
      ...(!succeeded && outcome.error ? { error: jsonError(outcome.error, causeMessage(outcome.cause)) } : {}),
      ...(outcome.durationMs !== undefined ? { durationMs: outcome.durationMs } : {}),
    });
    return succeeded ? EXIT.ok : exitCodeOf(outcome);
  }
  const colors = palette(colorEnabled(io.stdout, io.env));
  const took = outcome.durationMs !== undefined ? `${formatDuration(outcome.durationMs)}` : '';
  if (succeeded) {
    const lines = command.command === 'release' ? formatReleaseSummary(command.functionName, summary, colors) : formatTeardownSummary(command.network, summary, colors);
    for (const line of lines) writeLine(io.stdout, line);
    if (outcome.executionArn && !command.output.quiet) writeLine(io.stdout, colors.dim(`execution: ${outcome.executionArn}${took ? `  (${took})` : ''}`));
    return EXIT.ok;
  }
  const what = command.command === 'release' ? `release of ${command.functionName}` : `teardown of network ${command.network}`;
  writeLine(io.stderr, colors.red(`The ${what} failed: ${outcome.error ?? 'error'}: ${parseErrorMessage(causeMessage(outcome.cause)).summary}`));
  return exitCodeOf(outcome);
}

/**
 * ValidateTeardown rejects a network the registry does not hold; asked to make it gone, the CLI answers that it
 * is (a teardown run twice, as every command may be). Nothing was deleted either way.
 */
function networkWasAlreadyGone(outcome: RunOutcome, network: string): boolean {
  if (outcome.error !== 'InvalidRequest') return false;
  const { details } = parseErrorMessage(causeMessage(outcome.cause));
  return details.field === 'network' && details.network === network;
}
