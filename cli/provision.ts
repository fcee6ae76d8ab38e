import { writeFileSync } from 'node:fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { checkRequestSchema } from '../functions/validate/request-schema';
import { createClients } from '../functions/shared/clients';
import { InvalidRequest } from '../functions/shared/errors';
import type { ProvisionRequestInput } from '../functions/shared/types';
import { prepareLocalRun } from '../local/local-environment';
import type { OutputFlags, ParsedCommand, TargetFlags } from './parsed-command';
import { followExecution, regionOfArn, resolveStateMachineArn, startExecution } from './aws-mode';
import { renderTopology, type NetworkDetails } from './diagram';
import { colorEnabled, palette, writeLine, type CliIo, type ExitCode } from './io';
import { withLocalEnvironment } from './target-environment';
import { provisionLocally } from './local-mode';
import { watchLocalRun } from './local-run-watch';
import { refuseReusedExecutionName } from './execution-name';
import { realismOn } from './target-environment';
import { writeJson } from './json-output';
import { describeNetwork } from './network-description';
import { exitCodeOf, formatFailure, formatSuccess, jsonOutcome, LOCAL_MODE_NOTE, type RunOutcome } from './output';
import { createProgressRenderer, type ProgressRenderer } from './progress';
import { buildRequest } from './request';

type ProvisionCommand = Extract<ParsedCommand, { command: 'provision' }>;

interface Ran {
  readonly outcome: RunOutcome;
  readonly details?: NetworkDetails;
}

async function describeQuietly(region: string | undefined, outcome: RunOutcome): Promise<NetworkDetails | undefined> {
  if (!outcome.result) return undefined;
  // The diagram is better with the real routes, but the result stands without them.
  return describeNetwork(createClients({ ec2: EC2Client }, { region }).ec2, outcome.result).catch(() => undefined);
}

async function runLocal(request: ProvisionRequestInput, command: ProvisionCommand, io: CliIo, progress: ProgressRenderer): Promise<Ran> {
  const say = (line: string) => progress.note(line);
  return withLocalEnvironment(command.target, io, { say, demoFunction: request.functionName }, async (environment) => {
    const setup = await prepareLocalRun(environment, io.env);
    if (command.executionName) {
      const executionArn = `arn:aws:states:${environment.region}:${setup.account}:execution:lambda-egress-provision:${command.executionName}`;
      await refuseReusedExecutionName(createClients({ ec2: EC2Client }, { region: environment.region }).ec2, io.env, executionArn);
    }
    // After the emulator's setup (roles, registry), so that only the workflow's calls meet AWS's behaviour.
    if (command.target.awsRealism !== undefined) await realismOn(environment.endpoint, io.env, command.target.awsRealism, say);
    const watch = watchLocalRun(io, environment);
    const outcome = await provisionLocally(request, {
      onStart: watch.onStart,
      resolveTask: setup.resolveTask,
      accountId: setup.account,
      ...(command.executionName ? { executionName: command.executionName } : {}),
      onStep: (event) => {
        watch.onStep(event);
        progress.onEvent(event);
      },
    });
    watch.end(outcome);
    if (watch.kept && outcome.executionArn) say(`Kept with the local emulator: \`lambda-egress status --local ${outcome.executionArn}\` shows this run again.`);
    const details = await describeQuietly(environment.region, outcome);
    return { outcome, ...(details ? { details } : {}) };
  });
}

async function runOnAws(request: ProvisionRequestInput, command: ProvisionCommand, io: CliIo, progress: ProgressRenderer): Promise<Ran> {
  const target: TargetFlags = command.target;
  const region = target.region ?? (target.stateMachineArn ? regionOfArn(target.stateMachineArn) : undefined);
  try {
    // The schema part of ValidateRequest, before anything is started: bad input costs no execution.
    checkRequestSchema(request);
  } catch (error) {
    if (!(error instanceof InvalidRequest)) throw error;
    return { outcome: { mode: 'aws', status: 'FAILED', executionArn: '', error: error.name, cause: JSON.stringify({ errorType: error.name, errorMessage: error.message }) } };
  }
  const { sfn, cfn } = createClients({ sfn: SFNClient, cfn: CloudFormationClient }, { region });
  const stateMachineArn = await resolveStateMachineArn(cfn, target, io.env);
  const executionArn = await startExecution(sfn, stateMachineArn, request, command.executionName);
  progress.note(`Started ${executionArn}`);
  const outcome = await followExecution(sfn, executionArn, { onStep: (event) => progress.onEvent(event) });
  const details = await describeQuietly(region ?? regionOfArn(executionArn), outcome);
  return { outcome, ...(details ? { details } : {}) };
}

/** Prints the outcome (text or JSON), writes the diagram file, and gives the exit code. */
function reportOutcome(outcome: RunOutcome, details: NetworkDetails | undefined, output: OutputFlags, io: CliIo): ExitCode {
  const diagram = outcome.result ? renderTopology(outcome.result, details) : undefined;
  if (output.diagram && diagram) writeFileSync(output.diagram, diagram);
  if (output.json) {
    writeJson(io, 'provision', jsonOutcome(outcome, diagram));
    return exitCodeOf(outcome);
  }
  const colors = palette(colorEnabled(io.stdout, io.env));
  const stream = outcome.status === 'SUCCEEDED' ? io.stdout : io.stderr;
  writeLine(stream);
  for (const line of outcome.status === 'SUCCEEDED' ? formatSuccess(outcome, colors) : formatFailure(outcome, colors)) writeLine(stream, line);
  if (diagram && !output.quiet) {
    writeLine(io.stdout);
    writeLine(io.stdout, colors.bold('The network the function now uses (Mermaid; paste it into any Mermaid viewer):'));
    writeLine(io.stdout, '```mermaid');
    io.stdout.write(diagram);
    writeLine(io.stdout, '```');
  }
  if (output.diagram) writeLine(io.stdout, diagram ? `Diagram written to ${output.diagram}` : `No diagram written to ${output.diagram}: the run did not succeed.`);
  if (outcome.mode === 'local' && !output.quiet) {
    writeLine(io.stdout);
    writeLine(io.stdout, colors.dim(LOCAL_MODE_NOTE));
  }
  return exitCodeOf(outcome);
}

export async function provisionCommand(command: ProvisionCommand, io: CliIo): Promise<ExitCode> {
  const request = buildRequest(command.request);
  const progress = createProgressRenderer({ stream: command.output.json ? io.stderr : io.stdout, env: io.env, quiet: command.output.quiet });
  let ran: Ran;
  try {
    ran = command.target.local ? await runLocal(request, command, io, progress) : await runOnAws(request, command, io, progress);
  } finally {
    progress.finish();
  }
  return reportOutcome(ran.outcome, ran.details, command.output, io);
}
