import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from './io';
import type { OutputFlags, RequestFlags, TargetFlags } from './parsed-command';
import schema from '../functions/shared/request.schema.json';

/*
 * The options several subcommands share, and how their raw values become the typed flags of parsed-command.ts
 * (cli/args.ts assembles the subcommands from them).
 */

/** The function `--demo` creates in the emulator and provisions. */
export const DEMO_FUNCTION_NAME = 'lambda-egress-demo';

export const positiveInteger = (label: string, max: number) => (value: string): number => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > max) throw new InvalidArgumentError(`${label} must be a whole number from 1 to ${max}.`);
  return parsed;
};

export const nonNegativeNumber = (value: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('must be a number of GB, 0 or more.');
  return parsed;
};

/** An AZ's name or ID as the request schema takes them (network.availabilityZones). */
const AZ_NAME_OR_ID = new RegExp(schema.properties.network.properties.availabilityZones.items.pattern);

/**
 * --azs: how many AZs (a whole number), or which ones, comma-separated, by name (us-east-1a) or AZ ID (use1-az1):
 * network.azCount or network.availabilityZones. ValidateRequest checks the AZs themselves against the region.
 */
export const azsChoice = (value: string): number | string[] => {
  if (/^\d+$/.test(value)) return positiveInteger('--azs', 6)(value);
  const azs = value.split(',').map((az) => az.trim());
  if (azs.some((az) => !AZ_NAME_OR_ID.test(az)) || azs.length > 6) {
    throw new InvalidArgumentError('--azs must be a whole number from 1 to 6, or up to 6 AZ names or IDs separated by commas (us-east-1a,us-east-1c or use1-az1,use1-az4).');
  }
  return azs;
};

export function addRequestOptions(command: Command): Command {
  return command
    .option('-f, --function <name>', 'the Lambda function (name or ARN) to give internet egress')
    .option('--request <file>', 'read the request from a JSON file (functions/shared/request.schema.json); flags override its fields')
    .option('--network <name>', 'name of the egress network to create or reuse (tag lambda-egress:network); with --vpc-id, the name of that VPC\'s network')
    .addOption(new Option('--vpc-id <id>', 'audit and repair this existing VPC instead of creating one').conflicts('cidr'))
    .option('--cidr <cidr>', 'IPv4 CIDR of a new VPC (default 10.0.0.0/16)')
    .option('--azs <n|list>', 'number of Availability Zones (default 2), or the AZs by name or ID, comma-separated (us-east-1a,us-east-1c)', azsChoice)
    .option('--single-nat', 'one NAT gateway for all AZs (cheaper, not AZ-resilient)')
    .addOption(new Option('--regional-nat', 'one regional NAT gateway across the AZs (AZ-resilient, no public subnets)').conflicts('singleNat'))
    .addOption(new Option('--nat-instance [type]', 'a NAT instance per AZ instead of NAT gateways (dev/test; a Graviton type, default t4g.nano)').conflicts(['singleNat', 'regionalNat']))
    .option('--ipv6', 'dual-stack: IPv6 subnets and an egress-only internet gateway')
    .option('--no-s3-endpoint', 'do not add the S3 gateway endpoint to the private route tables')
    .option('--probe-url <url>', 'URL the probe fetches from inside the VPC (default https://aws.amazon.com/)')
    .option('--probe-timeout <seconds>', "the probe's time-out in seconds (default 3)", positiveInteger('--probe-timeout', 60))
    .option('--keep-vpc-access-policy', 'leave AWSLambdaVPCAccessExecutionRole attached to the role at the end')
    .option('--move-from-vpc', "move a function that is in another VPC (its own, or another network's): it leaves that VPC's subnets and security groups");
}

export function addTargetOptions(command: Command, what: string, output = 'StateMachineArn'): Command {
  return command
    .option('--local', `${what} against an AWS emulator: AWS_ENDPOINT_URL if set, else the one of \`lambda-egress emulator start\`, else an embedded moto server`)
    .option('--demo', 'with --local: create the sample function lambda-egress-demo in the emulator first (implies --local)')
    .option('--aws-realism [seed]', 'with --local (provision): the emulator answers as AWS behaves (eventual consistency, transient errors; docs/aws-behaviour.md), seeded (default 1)')
    .option('--state-machine-arn <arn>', `the deployed state machine (default: the stack output ${output})`)
    .option('--stack-name <name>', 'the deployed CloudFormation stack to read outputs from')
    .option('--region <region>', 'AWS region (default: AWS_REGION, or us-east-1 in local mode)');
}

export function addOutputOptions(command: Command, diagram: boolean): Command {
  command.option('--json', 'print one JSON document on stdout (progress goes to stderr)').option('-q, --quiet', 'no progress, only the outcome');
  if (diagram) command.option('--diagram <file.mmd>', 'also write the network as a Mermaid diagram to this file');
  return command;
}

export interface RawOptions {
  readonly function?: string;
  readonly request?: string;
  readonly network?: string;
  readonly vpcId?: string;
  readonly cidr?: string;
  readonly azs?: number | string[];
  readonly singleNat?: boolean;
  readonly regionalNat?: boolean;
  readonly natInstance?: boolean | string;
  readonly ipv6?: boolean;
  readonly s3Endpoint?: boolean;
  readonly probeUrl?: string;
  readonly probeTimeout?: number;
  readonly keepVpcAccessPolicy?: boolean;
  readonly moveFromVpc?: boolean;
  readonly local?: boolean;
  readonly demo?: boolean;
  readonly awsRealism?: boolean | string;
  readonly stateMachineArn?: string;
  readonly stackName?: string;
  readonly region?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly diagram?: string;
  readonly executionName?: string;
  readonly gbPerMonth?: number;
  readonly port?: number;
  readonly tableName?: string;
  readonly teardownIfUnused?: boolean;
  readonly release?: boolean;
  readonly teardown?: boolean;
  readonly plain?: boolean;
  readonly yes?: boolean;
  readonly releaseEgressIps?: boolean;
}

export const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;

export function requestFlags(options: RawOptions): RequestFlags {
  return defined({
    functionName: options.function ?? (options.demo ? DEMO_FUNCTION_NAME : undefined),
    requestFile: options.request,
    network: options.network,
    vpcId: options.vpcId,
    cidr: options.cidr,
    azs: options.azs,
    singleNat: options.singleNat === true,
    regionalNat: options.regionalNat === true ? true : undefined,
    natInstance: options.natInstance,
    ipv6: options.ipv6 === true,
    s3Endpoint: options.s3Endpoint !== false,
    probeUrl: options.probeUrl,
    probeTimeout: options.probeTimeout,
    keepVpcAccessPolicy: options.keepVpcAccessPolicy === true,
    moveFromVpc: options.moveFromVpc === true ? true : undefined,
  });
}

export function targetFlags(options: RawOptions): TargetFlags {
  return defined({
    local: options.local === true || options.demo === true,
    demo: options.demo === true,
    awsRealism: options.awsRealism === undefined ? undefined : options.awsRealism === true ? 1 : Number(options.awsRealism),
    stateMachineArn: options.stateMachineArn,
    stackName: options.stackName,
    region: options.region,
  });
}

export function outputFlags(options: RawOptions): OutputFlags {
  return defined({ json: options.json === true, quiet: options.quiet === true, diagram: options.diagram });
}

/**
 * `--profile NAME` on every command: the shared config/credentials profile the SDK's default chain reads,
 * set as AWS_PROFILE before the command runs (as the AWS CLI's --profile overrides it).
 */
export function addProfileOption(program: Command, io: CliIo): void {
  for (const command of program.commands) command.option('--profile <name>', 'the AWS profile to use (default: AWS_PROFILE)');
  program.hook('preAction', (_program, actionCommand) => {
    const profile = (actionCommand.opts() as { profile?: string }).profile;
    if (profile !== undefined) io.env.AWS_PROFILE = profile;
  });
}

/** Leaves options that mean nothing to a command out of its help (they stay harmless if typed). */
export function hideOptions(command: Command, flags: readonly string[]): void {
  for (const option of command.options) if (option.long && flags.includes(option.long)) option.hideHelp();
}

/** The command line as commander sees it; `onParsed` receives the typed command of the subcommand that ran. */
