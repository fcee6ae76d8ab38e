import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionVpcConfig } from '../functions/function/types';
import { analyzeFunctionReachability, type FunctionReachability } from '../functions/probe/function-reachability';
import type { ReachabilityVerdict } from '../functions/probe/types';
import { createClients } from '../functions/shared/clients';
import { isNotFound } from '../functions/shared/errors';
import type { ParsedCommand } from './args';
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
}

/** 0 when the path passes (or leads somewhere the analysis cannot follow); 1 when a hop is broken. */
export function exitCodeOfDiagnosis(diagnosis: Diagnosis): ExitCode {
  return diagnosis.verdict?.verdict === 'FAIL' ? EXIT.failed : EXIT.ok;
}

/** The static reachability analysis (functions/probe/reachability.ts) of a function's current VpcConfig. */
export async function diagnoseFunction(clients: { lambda: LambdaClient; ec2: EC2Client }, functionName: string, port: number): Promise<Diagnosis> {
  let analysed: FunctionReachability;
  try {
    analysed = await analyzeFunctionReachability(clients, functionName, { port });
  } catch (error) {
    if (isNotFound(error)) throw new UsageError(`--function ${functionName}: no such function in this account and region.`);
    throw error;
  }
  const { configuration, vpcConfig, verdict } = analysed;
  const base = { functionName, ...(configuration.FunctionArn ? { functionArn: configuration.FunctionArn } : {}), vpcConfig };
  return vpcConfig.subnetIds.length === 0 ? base : { ...base, verdict };
}

export function formatDiagnosis(diagnosis: Diagnosis, colors: ReturnType<typeof palette>): string[] {
  const verdict = diagnosis.verdict;
  if (!verdict) {
    return [
      colors.green(`✔ ${diagnosis.functionName} is not attached to a VPC`),
      "It runs in Lambda's own network, which has internet access; nothing to diagnose. (`lambda-egress provision` attaches it to a VPC with egress.)",
    ];
  }
  const lines: string[] = [];
  for (const path of verdict.paths) {
    lines.push(colors.bold(path.subnetId));
    for (const step of path.steps) lines.push(`  ${step.ok ? colors.green('✔') : colors.red('✖')} ${step.hop.padEnd(17)} ${step.detail}`);
  }
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
