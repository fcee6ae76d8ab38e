import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ParsedCommand } from './parsed-command';

/**
 * Every value of the command line checked before anything runs: a flag given an empty value (a script's unset
 * variable) would otherwise fall back to a default and do something else (`--vpc-id ""` plans a new VPC); an
 * output file that cannot be written would fail after the network is built; a misspelt region fails deep in the
 * SDK. Returns what is wrong, naming the flag and the fix, or undefined.
 */
export function checkCommandValues(command: ParsedCommand): string | undefined {
  return emptyFlag(command) ?? unwritableOutput(command) ?? unknownRegion(command);
}

/** The flag of each string value a command may carry. */
const FLAG_OF: Record<string, string> = {
  functionName: '--function',
  requestFile: '--request',
  network: '--network',
  vpcId: '--vpc-id',
  cidr: '--cidr',
  natInstance: '--nat-instance',
  probeUrl: '--probe-url',
  stateMachineArn: '--state-machine-arn',
  stackName: '--stack-name',
  region: '--region',
  diagram: '--diagram',
  executionName: '--execution-name',
  tableName: '--table-name',
  executionArn: 'the execution ARN',
  name: '--function / --network',
};

function emptyFlag(command: ParsedCommand): string | undefined {
  if (command.command === 'exit') return undefined;
  const groups: Array<Record<string, unknown>> = [command as unknown as Record<string, unknown>];
  for (const key of ['request', 'target', 'output'] as const) {
    const group = (command as unknown as Record<string, unknown>)[key];
    if (group && typeof group === 'object') groups.push(group as Record<string, unknown>);
  }
  // release / teardown carry their required name as functionName / network; plan-lifecycle as name.
  const flagOf = (key: string): string => (key === 'name' && command.command === 'plan-lifecycle' ? (command.of === 'release' ? '--function' : '--network') : (FLAG_OF[key] ?? `--${key}`));
  for (const group of groups) {
    for (const [key, value] of Object.entries(group)) {
      if (typeof value !== 'string' || value.trim() !== '' || !(key in FLAG_OF)) continue;
      const flag = flagOf(key);
      return `${flag} is empty (${JSON.stringify(value)}): give it a value, or leave the flag out to use its default. An empty value is refused rather than taken as the default, since it usually is an unset variable in a script`;
    }
  }
  return undefined;
}

function unwritableOutput(command: ParsedCommand): string | undefined {
  if (command.command === 'exit' || !('output' in command)) return undefined;
  const path = command.output.diagram;
  if (!path) return undefined;
  const target = resolve(path);
  try {
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) return `--diagram ${path} is a directory: give a file name, like ${path.replace(/\/$/, '')}/network.mmd`;
    accessSync(statSync(target, { throwIfNoEntry: false }) ? target : dirname(target), constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `its directory ${dirname(target)} does not exist` : code === 'EACCES' ? 'it cannot be written (permission denied)' : `it cannot be written (${code ?? (error as Error).message})`;
    return `--diagram ${path}: ${reason}. Give a path in a directory that exists and you can write, so the diagram is not lost after the network is built`;
  }
}

function unknownRegion(command: ParsedCommand): string | undefined {
  if (command.command === 'exit') return undefined;
  const region = 'target' in command ? command.target.region : 'region' in command ? command.region : undefined;
  if (!region) return undefined;
  // Loaded only when a region is given: --help and usage errors answer without loading the AWS SDK (cli/main.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { partitionOf } = require('../functions/shared/partition') as typeof import('../functions/shared/partition');
  if (partitionOf(region).knownRegion) return undefined;
  return `--region ${region} is not a Region the AWS SDK knows (its partition data lists every Region of aws, aws-cn, aws-us-gov...): check the spelling, like us-east-1 or eu-west-1 (aws ec2 describe-regions --all-regions lists them)`;
}

/**
 * The SDK's own answers when the environment lacks a region or credentials, which name neither the flag nor the
 * variable that fixes them ("Region is missing"): the user's to fix, so exit 2 with the fix.
 */
export function missingSetup(error: Error): string | undefined {
  if (error.message === 'Region is missing' || /^Region is missing/.test(error.message)) {
    return 'No AWS Region: give --region (like --region us-east-1), or set AWS_REGION, or a region in your profile (aws configure set region us-east-1); --local runs in us-east-1 unless told otherwise.';
  }
  const refused = /^Region not accepted: region="([^"]*)"/.exec(error.message);
  if (refused) {
    return `The AWS Region ${JSON.stringify(refused[1])} (from AWS_REGION, AWS_DEFAULT_REGION or your profile) is not a Region name: set it to one, like us-east-1, or give --region.`;
  }
  if (error.name === 'CredentialsProviderError') {
    return 'No AWS credentials found: configure them (aws configure, aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local to run against an emulator.';
  }
  return undefined;
}
