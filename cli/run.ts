import { silenceTaskLogs } from '../local/local-environment';
import { MotoServerMissing } from '../local/moto-server';
import type { ParsedCommand } from './args';
import { StateMachineNotFound } from './aws-mode';
import { missingSetup } from './check-values';
import { EXIT, UsageError, writeLine, type CliIo } from './io';
import { diagnoseCommand } from './diagnose';
import { egressIpsCommand } from './egress-ips';
import { lifecycleCommand } from './lifecycle';
import { lifecyclePlanCommand } from './lifecycle-plan';
import { networksCommand } from './networks';
import { planCommand } from './plan';
import { provisionCommand } from './provision';
import { statusCommand } from './status';

/** Errors that are the user's to fix, with a message that says how: printed as one line, no stack. */
function explain(error: Error): string | undefined {
  if (error instanceof MotoServerMissing || error instanceof StateMachineNotFound) return error.message;
  if (error.name === 'ExecutionDoesNotExist') return `No such execution: ${error.message}`;
  return undefined;
}

/**
 * Runs a parsed command; every failure becomes a message on stderr and an exit code (README "Exit codes").
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
    }
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    if (thrown instanceof UsageError) {
      writeLine(io.stderr, `error: ${thrown.message}`);
      return EXIT.badInput;
    }
    const setup = missingSetup(thrown);
    if (setup) {
      writeLine(io.stderr, `error: ${setup}`);
      return EXIT.badInput;
    }
    writeLine(io.stderr, `error: ${explain(thrown) ?? `${thrown.name}: ${thrown.message}`}`);
    return EXIT.failed;
  }
}
