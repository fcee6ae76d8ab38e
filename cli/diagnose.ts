import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { functionStateWarning, type FunctionStateWarning } from '../functions/function/function-state-warning';
import type { FunctionVpcConfig } from '../functions/function/types';
import { analyzeFunctionReachability, type FunctionReachability } from '../functions/probe/function-reachability';
import type { ReachabilityVerdict } from '../functions/probe/types';
import { createClients } from '../functions/shared/clients';
import { isNotFound } from '../functions/shared/errors';
import { egressIpsOf, type EgressIdentity } from '../functions/network/egress-ips';
import { egressLines } from './egress-lines';
import type { ParsedCommand } from './parsed-command';
import { colorEnabled, EXIT, palette, UsageError, writeLine, type CliIo, type ExitCode } from './io';
import { writeJson } from './json-output';
import { withTargetEnvironment } from './target-environment';

type DiagnoseCommand = Extract<ParsedCommand, { command: 'diagnose' }>;

export interface Diagnosis {
  readonly functionName: string;
  readonly functionArn?: string;
  readonly vpcConfig: FunctionVpcConfig;
  /** Absent when the function is not in a VPC: it then has Lambda's own internet access. */
  readonly verdict?: ReachabilityVerdict;
  /** The public IPs its traffic leaves from: those of the NATs its subnets' paths go through (egress-ips.ts). */
  readonly egressIps?: string[];
  readonly egress?: Pick<EgressIdentity, 'addresses' | 'ipv6Prefixes'>;
  /** Set when Lambda's state says the function lost its ENIs for want of role permissions (Inactive, or Failed). */
  readonly stateWarning?: FunctionStateWarning;
}

/** 0 when the path passes (or leads somewhere the analysis cannot follow); 1 when a hop is broken. */
function exitCodeOfDiagnosis(diagnosis: Diagnosis): ExitCode {
  return diagnosis.verdict?.verdict === 'FAIL' ? EXIT.failed : EXIT.ok;
}

/** The static reachability analysis (functions/probe/reachability.ts) of a function's current VpcConfig. */
async function diagnoseFunction(clients: { lambda: LambdaClient; ec2: EC2Client }, functionName: string, port: number): Promise<Diagnosis> {
  let analysed: FunctionReachability;
  try {
    analysed = await analyzeFunctionReachability(clients, functionName, { port });
  } catch (error) {
    if (isNotFound(error)) throw new UsageError(`--function ${functionName}: no such function in this account and region.`);
    throw error;
  }
  const { configuration, vpcConfig, verdict } = analysed;
  const base = { functionName, ...(configuration.FunctionArn ? { functionArn: configuration.FunctionArn } : {}), vpcConfig };
  const stateWarning = functionStateWarning(functionName, configuration);
  if (vpcConfig.subnetIds.length === 0) return base;
  // The NATs the analysis found on the paths: the function's egress IPs are theirs.
  const natIds = [...new Set(verdict.paths.flatMap((path) => path.steps.filter((step) => step.hop === 'nat-gateway' && step.ok && step.resourceId).map((step) => step.resourceId ?? '')))];
  const { egressIps, addresses, ipv6Prefixes } = await egressIpsOf(clients.ec2, { natIds, privateSubnetIds: vpcConfig.subnetIds });
  return { ...base, verdict, egressIps, egress: { addresses, ipv6Prefixes }, ...(stateWarning ? { stateWarning } : {}) };
}

function formatDiagnosis(diagnosis: Diagnosis, colors: ReturnType<typeof palette>): string[] {
  const verdict = diagnosis.verdict;
  if (!verdict) {
    return [
      colors.green(`✔ ${diagnosis.functionName} is not attached to a VPC`),
      "It runs in Lambda's own network, which has internet access; nothing to diagnose. (`lambda-egress provision` attaches it to a VPC with egress.)",
    ];
  }
  const lines: string[] = [];
  if (diagnosis.stateWarning) lines.push(colors.yellow(`! ${diagnosis.stateWarning.problem}`), `  fix: ${diagnosis.stateWarning.fix}`, '');
  for (const path of verdict.paths) {
    lines.push(colors.bold(path.subnetId));
    for (const step of path.steps) lines.push(`  ${step.ok ? colors.green('✔') : colors.red('✖')} ${step.hop.padEnd(17)} ${step.detail}`);
  }
  const egress = diagnosis.egress ? egressLines(diagnosis.egress, colors) : [];
  lines.push(...egress.map((line, index) => `${index === 0 ? 'egress IPs:' : ''}`.padEnd(12) + line));
  lines.push('');
  if (verdict.verdict === 'PASS') {
    lines.push(colors.green(colors.bold(`✔ PASS: every subnet of ${diagnosis.functionName} has a path to the internet on port ${verdict.port}`)));
  } else {
    const title = verdict.verdict === 'FAIL' ? colors.red(colors.bold('✖ BROKEN')) : colors.yellow(colors.bold('? INCONCLUSIVE'));
    lines.push(`${title} at ${verdict.hop}${verdict.subnetId ? ` of ${verdict.subnetId}` : ''}: ${verdict.explanation}`, `fix: ${verdict.fix}`);
  }
  return lines;
}

export async function diagnoseCommand(command: DiagnoseCommand, io: CliIo): Promise<ExitCode> {
  const functionName = command.functionName;
  if (!functionName) throw new UsageError('Name the function to diagnose: --function NAME.');
  const say = (line: string) => (command.output.quiet ? undefined : writeLine(io.stderr, line));
  const diagnosis = await withTargetEnvironment(command.target, io, { say, demoFunction: functionName }, async (region) => {
    return diagnoseFunction(createClients({ lambda: LambdaClient, ec2: EC2Client }, { region }), functionName, command.port);
  });
  if (command.output.json) {
    writeJson(io, 'diagnose', diagnosis);
    return exitCodeOfDiagnosis(diagnosis);
  }
  const colors = palette(colorEnabled(io.stdout, io.env));
  const lines = formatDiagnosis(diagnosis, colors);
  // --quiet: the verdict alone (after the blank line that ends the per-subnet hops).
  const verdictAt = lines.lastIndexOf('');
  for (const line of command.output.quiet && verdictAt >= 0 ? lines.slice(verdictAt + 1) : lines) writeLine(io.stdout, line);
  return exitCodeOfDiagnosis(diagnosis);
}
