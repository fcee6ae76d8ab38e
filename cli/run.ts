import { silenceTaskLogs } from '../local/local-environment';
import { MotoServerMissing } from '../local/moto-server';
import type { ParsedCommand } from './parsed-command';
import { StateMachineNotFound } from './aws-mode';
import { missingSetup } from './check-values';
import { EXIT, UsageError, writeLine, type CliIo } from './io';
import { writeJsonFailure } from './json-output';
import { diagnoseCommand } from './diagnose';
import { completionCommand } from './completion';
import { egressIpsCommand } from './egress-ips';
import { executionsCommand } from './executions';
import { emulatorCommand } from './emulator-command';
import { lifecycleCommand } from './lifecycle';
import { lifecyclePlanCommand } from './lifecycle-plan';
import { networksCommand } from './networks';
import { planCommand } from './plan';
import { provisionCommand } from './provision';
import { statusCommand } from './status';

/** Errors that are the user's to fix, with a message that says how: printed as one line, no stack. */
function explain(error: Error, env: NodeJS.ProcessEnv): string | undefined {
  if (error instanceof MotoServerMissing || error instanceof StateMachineNotFound) return error.message;
  const unreachable = unreachableEndpoint(error, env);
  if (unreachable) return unreachable;
  if (error.name === 'ExecutionDoesNotExist') return `No such execution: ${error.message}`;
  return undefined;
}

/**
 * Runs a parsed command; every failure becomes a message on stderr and an exit code (docs/usage.md "Exit codes").
 * The product's own JSON logs would tear up the CLI's output: silent unless POWERTOOLS_LOG_LEVEL asks.
 */
export async function runCommand(command: ParsedCommand, io: CliIo): Promise<number> {
  silenceTaskLogs(io.env);
  try {
    switch (command.command) {
      case 'exit':
        return command.code;
      case 'provision':
        return await provisionCommand(command, io);
      case 'status':
        return await statusCommand(command, io);
      case 'diagnose':
        return await diagnoseCommand(command, io);
      case 'plan':
        return await planCommand(command, io);
      case 'plan-lifecycle':
        return await lifecyclePlanCommand(command, io);
      case 'networks':
        return await networksCommand(command, io);
      case 'egress-ips':
        return await egressIpsCommand(command, io);
      case 'release':
      case 'teardown':
        return await lifecycleCommand(command, io);
      case 'emulator':
        return await emulatorCommand(command, io);
      case 'executions':
        return executionsCommand(command, io);
      case 'completion':
        return completionCommand(command, io);
    }
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    // The user's to fix (exit 2): a usage error, or a missing region or credentials named with what sets them.
    const badInput = thrown instanceof UsageError ? thrown.message : (profileWithoutCredentials(thrown, io.env) ?? missingSetup(thrown));
    const message = badInput ?? explain(thrown, io.env) ?? `${thrown.name}: ${thrown.message}`;
    if ('output' in command && command.output.json) writeJsonFailure(io, cliCommandName(command), { name: thrown.name, message });
    writeLine(io.stderr, `error: ${message}`);
    return badInput ? EXIT.badInput : EXIT.failed;
  }
}

/** The subcommand as the user typed it (`plan --release` is `plan`). */
function cliCommandName(command: Exclude<ParsedCommand, { command: 'exit' }>): string {
  return command.command === 'plan-lifecycle' ? 'plan' : command.command;
}

/** A named profile without credentials: the profile is what to fix. */
function profileWithoutCredentials(error: Error, env: NodeJS.ProcessEnv): string | undefined {
  if (error.name !== 'CredentialsProviderError' || !env.AWS_PROFILE) return undefined;
  return `No AWS credentials for the profile "${env.AWS_PROFILE}" (--profile / AWS_PROFILE): check its name (aws configure list-profiles) and its credentials, or pass another with --profile NAME.`;
}

/** A refused connection is an endpoint nobody listens on: most often an emulator that was stopped. */
function unreachableEndpoint(error: Error, env: NodeJS.ProcessEnv): string | undefined {
  const code = (error as Error & { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  if (code !== 'ECONNREFUSED' && !/ECONNREFUSED/.test(error.message)) return undefined;
  const endpoint = env.AWS_ENDPOINT_URL;
  return endpoint
    ? `Nothing answers at ${endpoint} (AWS_ENDPOINT_URL): start the emulator (lambda-egress emulator start), or unset AWS_ENDPOINT_URL to use AWS.`
    : `Connection refused by the AWS endpoint: check your network and proxy settings. (${error.message})`;
}
