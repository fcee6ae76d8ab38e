import type { FunctionNotice } from '../functions/function/function-notices';
import type { ProvisionResult } from '../functions/report/types';
import type { ProbeResult, ReachabilityVerdict } from '../functions/probe/types';
import type { RollbackReport } from '../functions/undo/types';
import type { RunOutcome } from './run-outcome';
import { egressLines } from './egress-lines';
import { EXIT, type ExitCode, type Palette } from './io';
import { describeRequestedBy } from '../functions/shared/requested-by';
import { leftVpcLines } from './left-behind';
import { jsonError, type JsonError } from './json-output';
import { formatDuration } from './progress';

export type { RunOutcome };

export const LOCAL_MODE_NOTE =
  'Local mode: the network path was analysed, not exercised. The emulator has no internet, so the probe could not ' +
  "send a real request: its answer came from the emulator. The reachability verdict is a static analysis of the " +
  "emulator's route tables, NAT and internet gateways, security group and network ACLs. Waits and retry intervals " +
  'were skipped (the emulator creates everything at once). A regional NAT gateway (natGateways "regional") is ' +
  "answered by lambda-egress's emulator proxy in the shape AWS documents: the emulator itself does not know regional mode.";

/** Errors that refuse a request before anything is created: InvalidRequest, and FunctionNotAllowed (who may ask). */
const REJECTIONS: ReadonlySet<string | undefined> = new Set(['InvalidRequest', 'FunctionNotAllowed']);

/** 0 on success; 2 when the workflow rejected the request (nothing was created); 1 for any other failure. */
export function exitCodeOf(outcome: Pick<RunOutcome, 'status' | 'error'>): ExitCode {
  if (outcome.status === 'SUCCEEDED') return EXIT.ok;
  return REJECTIONS.has(outcome.error) ? EXIT.badInput : EXIT.failed;
}

/** The human part of a cause: Lambda's `errorMessage` when the cause is its JSON, else the cause itself. */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: a plain cause, e.g. a Fail state's own Cause
  }
  return cause;
}

/** The one JSON document `--json` prints (README "Output"): `result` is the ProvisionResult contract. */
interface JsonOutcome {
  readonly status: RunOutcome['status'];
  readonly mode: RunOutcome['mode'];
  readonly executionArn?: string;
  readonly result?: ProvisionResult;
  readonly error?: JsonError;
  readonly rollback?: RollbackReport;
  readonly diagram?: string;
  readonly durationMs?: number;
}

export function jsonOutcome(outcome: RunOutcome, diagram?: string): JsonOutcome {
  return {
    status: outcome.status,
    mode: outcome.mode,
    ...(outcome.executionArn ? { executionArn: outcome.executionArn } : {}),
    ...(outcome.result ? { result: outcome.result } : {}),
    ...(outcome.error ? { error: jsonError(outcome.error, causeMessage(outcome.cause), outcome.cause) } : {}),
    ...(outcome.rollback ? { rollback: outcome.rollback } : {}),
    ...(diagram ? { diagram } : {}),
    ...(outcome.durationMs !== undefined ? { durationMs: outcome.durationMs } : {}),
  };
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** The probe's own answer (functions/probe/probe.ts ProbeResult): status and time, or its error. */
function probeVerdict(result: ProvisionResult, colors: Palette, mode: RunOutcome['mode'] = 'aws'): string {
  const probe = record(result.probe.result) as Partial<ProbeResult>;
  const verdict = result.probe.passed ? colors.green('PASS') : colors.red('FAIL');
  const facts = [
    probe.url ? `GET ${probe.url}` : undefined,
    probe.statusCode !== undefined ? `-> ${probe.statusCode}` : undefined,
    probe.elapsedMs !== undefined && mode === 'aws' ? `in ${formatDuration(probe.elapsedMs)}` : undefined,
    probe.error ? `(${probe.error.kind}: ${probe.error.message})` : undefined,
    mode === 'local' && !probe.error ? colors.dim('(answered through the emulator from the reachability verdict: no request was sent)') : undefined,
  ].filter(Boolean);
  return `${verdict}${facts.length ? `  ${facts.join(' ')}` : ''}`;
}

/** The static reachability verdict (functions/probe/reachability.ts): PASS, or the broken hop and its fix. */
function reachabilityLines(reachability: unknown, colors: Palette): string[] {
  const verdict = record(reachability) as Partial<ReachabilityVerdict> & { explanation?: string; fix?: string; subnetId?: string; hop?: string };
  if (!verdict.verdict) return [];
  const subnets = verdict.paths?.length ?? 0;
  if (verdict.verdict === 'PASS') {
    return [`${colors.green('PASS')}  ${subnets} subnet${subnets === 1 ? '' : 's'} -> route table -> NAT gateway -> internet gateway; security group and network ACLs allow port ${verdict.port}`];
  }
  const label = verdict.verdict === 'FAIL' ? colors.red('FAIL') : colors.yellow('INCONCLUSIVE');
  return [`${label}  at ${verdict.hop}${verdict.subnetId ? ` of ${verdict.subnetId}` : ''}: ${verdict.explanation ?? ''}`, `fix: ${verdict.fix ?? ''}`];
}

export function formatSuccess(outcome: RunOutcome, colors: Palette): string[] {
  const result = outcome.result;
  if (!result) return [colors.green('✔ succeeded'), `execution: ${outcome.executionArn}`];
  const network = result.network;
  const fn = result.functionArn.split(':function:')[1] ?? result.functionArn;
  const nats = network.natGateways.map((nat) => `${nat.natTargetId} (${nat.az})`).join(', ') || 'none';
  const policy = result.function.vpcAccessPolicy;
  const created = result.ledger.length;
  const networkOrigin = network.mode === 'existing' ? 'existing VPC repaired' : result.ledger.some((entry) => entry.kind === 'vpc') ? 'new network' : 'network reused';
  const field = (name: string, value: string) => `${(name ? `${name}:` : '').padEnd(19)}${value}`;
  return [
    colors.green(
      colors.bold(
        result.alreadyMember
          ? `✔ ${fn} already has egress through network "${network.name}" (${network.vpcId}): nothing changed`
          : `✔ ${fn} has internet egress through network "${network.name}" (${network.vpcId})`,
      ),
    ),
    field('subnets', `private ${result.function.appliedVpcConfig.subnetIds.join(', ')}`),
    field('security group', result.function.appliedVpcConfig.securityGroupIds.join(', ')),
    // Absent from results older than the field.
    ...((network.availabilityZones ?? []).length > 0 ? [field('AZs', network.availabilityZones.map((zone) => (zone.id ? `${zone.name} (${zone.id})` : zone.name)).join(', '))] : []),
    field('NAT gateways', nats),
    ...egressIpLines(result, colors).map((line, index) => field(index === 0 ? 'egress IPs' : '', line)),
    ...(network.egressChange ? [colors.yellow(field('egress changed', `${network.egressChange.before.join(', ') || 'none'} -> ${network.egressChange.after.join(', ') || 'none'}: update the partners' allow-lists`))] : []),
    field('probe', probeVerdict(result, colors, outcome.mode)),
    ...reachabilityLines(result.probe.reachability, colors).map((line, index) => field(index === 0 ? 'reachability' : '', line)),
    field('VPC access policy', result.alreadyMember ? 'not looked at: this run changed nothing' : vpcAccessPolicyLine(policy)),
    field('created', `${created} resource${created === 1 ? '' : 's'} (${networkOrigin})`),
    ...(network.reported.length > 0 ? [colors.yellow(field('left alone', `${network.reported.length} subnet(s) whose default route lambda-egress did not create (see --json)`))] : []),
    ...noticeLines(result.function.notices ?? [], colors).map((line, index) => (index === 0 ? field('attention', line) : line)),
    ...(result.function.leftVpc ? leftVpcLines(result.function.leftVpc).map((line, index) => colors.yellow(field(index === 0 ? 'moved out' : '', line))) : []),
    ...(result.requestedBy ? [field('requested by', describeRequestedBy(result.requestedBy))] : []),
    field('execution', `${outcome.executionArn}${outcome.durationMs !== undefined ? `  (${formatDuration(outcome.durationMs)}${outcome.stateTransitions ? `, ${outcome.stateTransitions} state transitions` : ''})` : ''}`),
  ];
}

/** What the run did with AWSLambdaVPCAccessExecutionRole, and only what is true of the role (functions/function/detach-vpc-access-policy.ts). */
function vpcAccessPolicyLine(policy: ProvisionResult['function']['vpcAccessPolicy']): string {
  const why = policy.reason ? ` (${policy.reason})` : '';
  if (policy.attachedByExecution) return `attached for the run; ${policy.detached ? 'detached at the end' : `kept${why}`}`;
  if (policy.attachedBefore === false) return policy.detached ? `detached at the end${why}` : 'not on the role, and not needed: the function already had this VPC configuration';
  return `already attached; ${policy.detached ? 'detached at the end' : `kept${why}`}`;
}

/** The public IPs the function leaves from (result.network.egress), one line per AZ; absent from results older than the field. */
function egressIpLines(result: ProvisionResult, colors: Palette): string[] {
  return result.network.egress ? egressLines(result.network.egress, colors) : [];
}

/** The function notices (functions/function/function-notices.ts): the message, then its commands or snippets, indented. */
function noticeLines(notices: readonly FunctionNotice[], colors: Palette): string[] {
  const indent = (text: string) => text.split('\n').map((line) => `${' '.repeat(21)}${line}`);
  return notices.flatMap((notice, index) => [
    ...(index === 0 ? [colors.yellow(notice.message)] : [`${' '.repeat(19)}${colors.yellow(notice.message)}`]),
    ...(notice.kind === 'published-versions' ? notice.commands.flatMap(indent) : []),
    ...(notice.kind === 'cloudformation-owned' && notice.snippets
      ? [...indent('# CloudFormation:'), ...indent(notice.snippets.cloudFormationYaml), ...indent('// CDK:'), ...indent(notice.snippets.cdk), ...indent('# Terraform:'), ...indent(notice.snippets.terraform)]
      : []),
  ]);
}

function formatRollback(report: RollbackReport | undefined, colors: Palette): string[] {
  if (!report) return [];
  if (report.steps.length === 0) return ['rolled back: nothing had been created'];
  return [
    `rolled back (${report.steps.length} step${report.steps.length === 1 ? "" : "s"}):`,
    ...report.steps.map((step) => `  ${colors.dim(step.outcome.padEnd(12))} ${step.kind} ${step.id}`),
  ];
}

export function formatFailure(outcome: RunOutcome, colors: Palette): string[] {
  const message = causeMessage(outcome.cause);
  const lines = [colors.red(colors.bold(`✖ ${outcome.error ?? 'failed'}${message ? `: ${message}` : ''}`))];
  if (outcome.error === 'InvalidRequest') {
    lines.push('The request was rejected before anything was created. Fix the field named above and run again.');
  } else if (outcome.error === 'FunctionNotAllowed') {
    lines.push('The request was rejected before anything was created: the rule named above does not let lambda-egress change this function.');
  } else if (outcome.error === 'RollbackIncomplete') {
    lines.push(colors.yellow('Rollback could not finish: the resources above are still there. Delete them by hand, or run the rollback again later.'));
  } else if (outcome.rollback) {
    lines.push(...formatRollback(outcome.rollback, colors), 'Everything this execution created is gone; the function is back as it was.');
  }
  if (outcome.executionArn) lines.push(`execution: ${outcome.executionArn}`);
  return lines;
}
