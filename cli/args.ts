import { Argument, Command, CommanderError, Option } from 'commander';
import { completionSpec, SHELLS, type Shell } from './completion';
import type { CliIo } from './io';
import type { ParsedCommand } from './parsed-command';
import { addOutputOptions, defined, DEMO_FUNCTION_NAME, addProfileOption, addRequestOptions, addTargetOptions, hideOptions, nonNegativeNumber, outputFlags, positiveInteger, requestFlags, targetFlags, type RawOptions } from './shared-options';
import { commandNameOf, wantsJson, writeJsonFailure } from './json-output';

const DEFAULT_GB_PER_MONTH = 100;

function buildProgram(io: CliIo, onParsed: (command: ParsedCommand) => void): Command {
  const program = new Command('lambda-egress')
    .description('Give an AWS Lambda function working internet egress from a VPC: build or repair the network, attach, prove, roll back on failure.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  const provision = program
    .command('provision')
    .description('run the workflow: on AWS (the deployed state machine) or, with --local, in-process against an emulator');
  addTargetOptions(addRequestOptions(provision), 'run the real state machine definition in-process');
  addOutputOptions(provision, true).option('--execution-name <name>', 'name of the execution (default: generated)');
  provision.action((options: RawOptions) =>
    onParsed(defined({
      command: 'provision' as const,
      request: requestFlags(options),
      target: targetFlags(options),
      output: outputFlags(options),
      executionName: options.executionName,
    })),
  );

  const plan = program.command('plan').description('what provision would create or change, and what it would cost a month; changes nothing');
  addTargetOptions(addRequestOptions(plan), 'read what is there');
  addOutputOptions(plan, false).option(
    '--gb-per-month <gb>',
    `data the function sends through the NAT gateways a month, for the estimate (default ${DEFAULT_GB_PER_MONTH})`,
    nonNegativeNumber,
  );
  plan
    .addOption(new Option('--release', 'with --function: what `release` would change, and the teardown it would continue into').conflicts('teardown'))
    .option('--teardown', 'with --network: what `teardown` would delete, in order, and the monthly saving')
    .option('--teardown-if-unused', 'with --release: as `release --teardown-if-unused`');
  plan.action((options: RawOptions) => {
    const of = options.release ? 'release' : options.teardown ? 'teardown' : undefined;
    const name = of === 'release' ? options.function : options.network;
    if (of && !name) plan.error(`error: plan --${of} needs ${of === 'release' ? '--function NAME' : '--network NAME'}`, { exitCode: 2 });
    // The release of a function concerns the network it is a member of; a teardown, every member: nothing else to name.
    const other = of === 'release' ? (options.network === undefined ? undefined : '--network') : of === 'teardown' && options.function !== undefined ? '--function' : undefined;
    if (other) plan.error(`error: plan --${of} does not take ${other}: ${of === 'release' ? 'a release concerns the network the function is a member of (plan --teardown --network NAME plans a network\'s teardown)' : 'a teardown concerns every function of the network (plan --release --function NAME plans one function\'s release)'}`, { exitCode: 2 });
    if (of) return onParsed({ command: 'plan-lifecycle', of, name: name ?? '', teardownIfUnused: options.teardownIfUnused === true, target: targetFlags(options), output: outputFlags(options) });
    return onParsed({
      command: 'plan',
      request: requestFlags(options),
      target: targetFlags(options),
      output: outputFlags(options),
      gbPerMonth: options.gbPerMonth ?? DEFAULT_GB_PER_MONTH,
    });
  });

  const diagnose = program
    .command('diagnose')
    .description("check the network path of a function's current VPC configuration: PASS, or the broken hop and its fix (exit 0 / 1)")
    .option('-f, --function <name>', 'the Lambda function (name or ARN)')
    .option('--port <port>', 'destination port the function needs (default 443)', positiveInteger('--port', 65535));
  addTargetOptions(diagnose, 'read what is there');
  addOutputOptions(diagnose, false);
  // diagnose starts no workflow: a state machine is nothing it could use.
  hideOptions(diagnose, ['--state-machine-arn', '--stack-name']);
  diagnose.action((options: RawOptions) =>
    onParsed(defined({
      command: 'diagnose' as const,
      functionName: options.function ?? (options.demo ? DEMO_FUNCTION_NAME : undefined),
      port: options.port ?? 443,
      target: targetFlags(options),
      output: outputFlags(options),
    })),
  );

  const status = program
    .command('status')
    .description("an execution's steps, current state, and its result or error with the rollback report")
    .argument('<execution-arn>', 'the execution (as printed by provision)')
    .option('--region <region>', 'AWS region (default: from the ARN)')
    .option('--local', 'a run of the local emulator (`lambda-egress emulator start`), as printed by a --local command');
  addOutputOptions(status, false);
  status.action((executionArn: string, options: RawOptions) =>
    onParsed(defined({ command: 'status' as const, executionArn, region: options.region, output: outputFlags(options), local: options.local === true ? true : undefined })),
  );

  const executions = program
    .command('executions')
    .description('the runs of the --local commands that the local emulator (`lambda-egress emulator start`) holds, newest first')
    .requiredOption('--local', 'the local emulator\'s runs (on AWS: the Step Functions console, or aws stepfunctions list-executions)');
  addOutputOptions(executions, false);
  executions.action((options: RawOptions) => onParsed({ command: 'executions', output: outputFlags(options) }));

  const networks = program
    .command('networks')
    .description('every egress network: its VPC, NAT gateways, state, the functions using it, drift from what AWS holds, and its monthly cost')
    .option('--local', 'read the registry in an AWS emulator: AWS_ENDPOINT_URL if set, else an embedded moto server')
    .option('--stack-name <name>', 'the deployed CloudFormation stack to read the registry table from (output RegistryTableName)')
    .option('--table-name <name>', 'the registry table (default: REGISTRY_TABLE_NAME, else the stack output; lambda-egress-registry in local mode)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, or us-east-1 in local mode)');
  addOutputOptions(networks, false);
  networks.action((options: RawOptions) =>
    onParsed(defined({ command: 'networks' as const, target: targetFlags(options), output: outputFlags(options), tableName: options.tableName })),
  );

  const egressIps = program
    .command('egress-ips')
    .description("the public IPs a network's functions leave from (per AZ; IPv6 prefixes), for a partner's allow-list or a firewall")
    .requiredOption('--network <name>', 'the network (lambda-egress networks lists them)')
    .option('--plain', 'one address or prefix per line, nothing else')
    .option('--local', 'read the registry in an AWS emulator: AWS_ENDPOINT_URL if set, else an embedded moto server')
    .option('--stack-name <name>', 'the deployed CloudFormation stack to read the registry table from (output RegistryTableName)')
    .option('--table-name <name>', 'the registry table (default: REGISTRY_TABLE_NAME, else the stack output; lambda-egress-registry in local mode)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, or us-east-1 in local mode)');
  addOutputOptions(egressIps, false);
  egressIps.action((options: RawOptions) =>
    onParsed(defined({ command: 'egress-ips' as const, network: options.network ?? '', plain: options.plain === true, target: targetFlags(options), output: outputFlags(options), tableName: options.tableName })),
  );

  const release = program
    .command('release')
    .description("put a function back as it was before lambda-egress (its own VpcConfig, its role's policies) and end its membership")
    .requiredOption('-f, --function <name>', 'the Lambda function (name or ARN) to release')
    .option('--teardown-if-unused', 'then tear its network down when no function uses it any more');
  addTargetOptions(release, 'run the real release definition in-process', 'ReleaseStateMachineArn');
  addOutputOptions(release, false);
  release.option('-y, --yes', 'do not ask for confirmation on a terminal');
  release.action((options: RawOptions) =>
    onParsed({ command: 'release', functionName: options.function ?? '', teardownIfUnused: options.teardownIfUnused === true, target: targetFlags(options), output: outputFlags(options), yes: options.yes === true }),
  );

  const teardown = program
    .command('teardown')
    .description("delete a network nobody uses: everything lambda-egress created for it, and nothing else (exit 1 naming each function while it is in use)")
    .requiredOption('--network <name>', 'the network to tear down (lambda-egress networks lists them)');
  addTargetOptions(teardown, 'run the real teardown definition in-process', 'TeardownStateMachineArn');
  addOutputOptions(teardown, false);
  // The demo function is nothing a teardown could use.
  hideOptions(teardown, ['--demo']);
  teardown.option('-y, --yes', 'do not ask for confirmation on a terminal');
  teardown.option('--release-egress-ips', 'release the Elastic IPs of a network built with keepEgressIps instead of keeping them (docs/egress-ips.md)');
  teardown.action((options: RawOptions) =>
    onParsed({ command: 'teardown', network: options.network ?? '', target: targetFlags(options), output: outputFlags(options), yes: options.yes === true, ...(options.releaseEgressIps ? { releaseEgressIps: true } : {}) }),
  );

  const emulator = program
    .command('emulator')
    .description('a local emulator that runs in the background between commands: every --local command uses it (start | stop | status)')
    .addArgument(new Argument('<action>', 'start, stop or status').choices(['start', 'stop', 'status']));
  addOutputOptions(emulator, false);
  emulator.action((action: 'start' | 'stop' | 'status', options: RawOptions) => onParsed({ command: 'emulator', action, output: outputFlags(options) }));

  const completion = program
    .command('completion')
    .description('print the shell completion script (bash or zsh): source <(lambda-egress completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS));
  addOutputOptions(completion, false);

  addProfileOption(program, io);
  // After every command and option is registered: the script completes them all.
  completion.action((shell: Shell, options: RawOptions) => onParsed({ command: 'completion', shell, spec: completionSpec(program), output: outputFlags(options) }));
  return program;
}

/**
 * Parses `argv` (without the node and script entries). Help, version and commander's own usage errors have
 * already been written to the io when this returns `{ command: 'exit' }`.
 */
export async function parseArguments(argv: readonly string[], io: CliIo): Promise<ParsedCommand> {
  let parsed: ParsedCommand | undefined;
  const program = buildProgram(io, (command) => {
    parsed = command;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode !== 0 && wantsJson(argv)) writeJsonFailure(io, commandNameOf(program, argv), { name: 'UsageError', message: error.message.replace(/^error: /, '') });
      return { command: 'exit', code: error.exitCode === 0 ? 0 : 2 };
    }
    throw error;
  }
  return parsed ?? { command: 'exit', code: 2 };
}
