import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { readFunctionFacts } from '../functions/function/function-facts';
import { functionNotices, type FunctionNotice, type TargetVpcConfig } from '../functions/function/function-notices';
import { hasVpcAccessPolicy, roleNameFromArn, vpcAccessPolicyArn } from '../functions/function/vpc-access-policy';
import { vpcConfigOf } from '../functions/function/vpc-config';
import { auditExistingVpc } from '../functions/network/audit';
import { validateRequest } from '../functions/validate/validation';
import { createClients, type AwsClients } from '../functions/shared/clients';
import { InvalidRequest, NetworkNotRepairable } from '../functions/shared/errors';
import { registryTableName, type Registry } from '../functions/shared/registry/table';
import type { NormalizedRequest, ProvisionRequestInput } from '../functions/shared/types';
import type { ParsedCommand } from './parsed-command';
import { compareModes, type ModeComparison } from '../functions/network/mode-cost';
import { natModeOf } from '../functions/network/nat-modes';
import { estimateMonthlyCost, formatCostTable, type CostEstimate } from './cost';
import { formatEgressPlan, planEgressIps, type EgressPlan } from './plan-egress';
import { formatModeComparison } from './mode-table';
import { colorEnabled, EXIT, palette, writeLine, type CliIo, type ExitCode } from './io';
import { writeJson, writeJsonFailure } from './json-output';
import { StateMachineNotFound } from './aws-mode';
import { deployedTableName } from './networks';
import { exitCodeOf } from './output';
import { inheritedSettingsText, leftVpcLines } from './left-behind';
import { buildRequest } from './request';
import { withTargetEnvironment } from './target-environment';
import { natCount, planCreateMode, PLAN_EXECUTION, type NetworkPlan } from './plan-create';

type PlanCommand = Extract<ParsedCommand, { command: 'plan' }>;

/** What `provision` would do with a request, found with read-only calls. */
export interface ProvisionPlan {
  readonly request: NormalizedRequest;
  readonly network: NetworkPlan;
  readonly function: { readonly changes: string[]; readonly notices: FunctionNotice[] };
  readonly natGateways: { readonly total: number; readonly added: number };
  readonly cost: { readonly total: CostEstimate; readonly added: CostEstimate };
  /** Every egress mode priced for the same request (its AZs and traffic), side by side. */
  readonly modes: ModeComparison[];
  /** The public IPs the network would leave from: existing, or added at run time (plan-egress.ts). */
  readonly egressIps: EgressPlan;
}

/** What `count` NATs of the request's mode cost a month: NAT gateways, or NAT instances (no per-GB charge). */
function natCost(request: NormalizedRequest, count: number, gbPerMonth: number): CostEstimate {
  return count > 0 ? natModeOf(request.network.natGateways).runningCost({ count, azCount: request.network.azs.length, gbPerMonth }) : estimateMonthlyCost({ natGateways: 0, gbPerMonth: 0 });
}

/** Existing mode: AuditExistingVpc's own read-only audit says what is there, what it adds, what it leaves alone. */
async function planExistingMode(clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda'>, request: NormalizedRequest): Promise<{ network: ProvisionPlan['network']; natsAdded: number; natsTotal: number }> {
  const audit = await auditExistingVpc(clients, { execution: PLAN_EXECUTION, request });
  const added = audit.plan.azs.filter((repair) => repair.nat.placement === 'new').length;
  const reused = new Set(audit.plan.azs.flatMap((repair) => (repair.nat.placement === 'existing' ? [repair.nat.natTargetId] : []))).size;
  return {
    natsAdded: added,
    natsTotal: added + reused,
    network: {
      mode: 'existing',
      name: request.network.name,
      vpcId: audit.vpcId,
      present: audit.present,
      changes: audit.missing,
      // Reported subnets are among cannotFix already.
      untouched: audit.cannotFix,
    },
  };
}

/** What would change on the function and its role, and what the change would not reach (aliases, an owning stack). */
async function planFunction(clients: { lambda: LambdaClient; iam: IAMClient }, request: NormalizedRequest, target: TargetVpcConfig | undefined): Promise<ProvisionPlan['function']> {
  const configuration = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: request.functionArn }));
  const notices = functionNotices(request.functionName, await readFunctionFacts(clients.lambda, configuration), target, { network: request.network.name, originalVpcConfig: vpcConfigOf(configuration) });
  const current = configuration.VpcConfig?.SubnetIds ?? [];
  const changes = [
    current.length > 0
      ? `VpcConfig: from subnets ${current.join(', ')} to the private subnets of network "${request.network.name}" with its security group (the original is recorded and restored on rollback)`
      : `VpcConfig: from no VPC to the private subnets of network "${request.network.name}" with its security group`,
  ];
  if (configuration.Role) {
    const roleName = roleNameFromArn(configuration.Role);
    const attached = await hasVpcAccessPolicy(clients.iam, roleName, vpcAccessPolicyArn(configuration.Role));
    changes.push(
      attached
        ? `role ${roleName}: already has AWSLambdaVPCAccessExecutionRole, kept`
        : `role ${roleName}: AWSLambdaVPCAccessExecutionRole attached for the update${request.detachVpcAccessPolicy ? ', detached again at the end' : ', kept (detachVpcAccessPolicy is false)'}`,
    );
  }
  return { changes, notices };
}

/** Runs ValidateRequest's core and the read-only look-ups: what provision would do, and what it would cost a month. */
async function planProvision(clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda' | 'servicequotas'>, input: ProvisionRequestInput, gbPerMonth: number, registry?: Registry): Promise<ProvisionPlan> {
  // With the registry, as the workflow's own ValidateRequest: a join's inherited settings, the network a move leaves.
  const { request } = await validateRequest(clients, { input, execution: PLAN_EXECUTION }, undefined, registry);
  const planned: { network: ProvisionPlan['network']; natsAdded: number; natsTotal: number; target?: TargetVpcConfig } =
    request.network.mode === 'existing' ? await planExistingMode(clients, request) : { ...(await planCreateMode(clients.ec2, request)), natsTotal: natCount(request) };
  const total = planned.natsTotal;
  return {
    request,
    network: planned.network,
    function: await planFunction(clients, request, planned.target),
    natGateways: { total, added: planned.natsAdded },
    cost: {
      total: natCost(request, total, gbPerMonth),
      added: natCost(request, planned.natsAdded, gbPerMonth),
    },
    modes: compareModes({ azCount: request.network.azs.length, gbPerMonth }),
    egressIps: await planEgressIps(clients.ec2, request, planned.network.vpcId, planned.natsAdded),
  };
}

function formatPlan(plan: ProvisionPlan, colors: ReturnType<typeof palette>): string[] {
  const fn = plan.request.functionName;
  const lines = [colors.bold(`Plan: internet egress for ${fn} through network "${plan.network.name}" (nothing has been changed)`), ''];
  const heading =
    plan.network.mode === 'existing'
      ? `Existing VPC ${plan.network.vpcId} (audited):`
      : plan.network.vpcId
        ? `Network "${plan.network.name}" exists (${plan.network.vpcId}):`
        : `Network "${plan.network.name}" does not exist yet:`;
  lines.push(colors.bold(heading));
  lines.push(...plan.network.present.map((line) => `  = ${line}`));
  lines.push(...plan.network.changes.map((line) => colors.green(`  + ${line}`)));
  lines.push(...plan.network.untouched.map((line) => colors.yellow(`  ! ${line}`)));
  if (plan.request.inheritedSettings) lines.push(`  = settings of network "${plan.network.name}" (recorded; not stated by this request): ${inheritedSettingsText(plan.request.inheritedSettings)}`);
  lines.push(...(plan.request.preflightNotes ?? []).map((note) => colors.yellow(`  ! ${note}`)));
  lines.push('', colors.bold(`Function ${fn}:`), ...plan.function.changes.map((line) => colors.yellow(`  ~ ${line}`)));
  if (plan.request.leavesVpc) lines.push(...leftVpcLines(plan.request.leavesVpc).map((line) => colors.yellow(`  ! ${line}`)));
  for (const notice of plan.function.notices) {
    lines.push(colors.yellow(`  ! ${notice.message}`));
    if (notice.kind === 'published-versions') lines.push(...notice.commands.map((command) => `      ${command}`));
    if (notice.kind === 'cloudformation-owned' && notice.snippets) {
      const snippets = ['# CloudFormation:', notice.snippets.cloudFormationYaml, '// CDK:', notice.snippets.cdk, '# Terraform:', notice.snippets.terraform];
      lines.push(...snippets.flatMap((text) => text.split('\n').map((line) => `      ${line}`)));
    }
  }
  const nats = natModeOf(plan.request.network.natGateways).noun;
  lines.push('', colors.bold(`Monthly cost of the network's ${plan.natGateways.total} ${nats}${plan.natGateways.total === 1 ? '' : 's'} (${plan.natGateways.added} added by this request):`));
  lines.push(...formatCostTable(plan.cost.total));
  if (plan.natGateways.added !== plan.natGateways.total) lines.push(`  Added by this request: $${plan.cost.added.totalUsd.toFixed(2)} a month.`);
  lines.push('', ...formatEgressPlan(plan.egressIps, colors));
  lines.push('', colors.bold(`Every egress mode for ${plan.request.network.azs.length} AZ(s) at this traffic, a month (natGateways: "${plan.request.network.natGateways}" chosen):`));
  lines.push(...formatModeComparison(plan.modes).map((line) => `  ${line}`));
  return lines;
}

/** The registry ValidateRequest reads: the emulator's table in local mode (absent until a first provision: read as empty), else the stack's; none without a stack. */
async function planRegistry(command: PlanCommand, env: NodeJS.ProcessEnv, region: string | undefined): Promise<Registry | undefined> {
  const dynamodb = new DynamoDBClient(region ? { region } : {});
  if (command.target.local) return { dynamodb, tableName: registryTableName(env) };
  try {
    return { dynamodb, tableName: await deployedTableName({ target: command.target }, env, new CloudFormationClient(region ? { region } : {})) };
  } catch (error) {
    if (error instanceof StateMachineNotFound) return undefined;
    throw error;
  }
}

export async function planCommand(command: PlanCommand, io: CliIo): Promise<ExitCode> {
  const input = buildRequest(command.request);
  const say = (line: string) => (command.output.quiet ? undefined : writeLine(io.stderr, line));
  let plan: ProvisionPlan;
  try {
    plan = await withTargetEnvironment(command.target, io, { say, demoFunction: input.functionName }, async (region) => {
      return planProvision(createClients({ ec2: EC2Client, lambda: LambdaClient, iam: IAMClient, servicequotas: ServiceQuotasClient }, { region }), input, command.gbPerMonth, await planRegistry(command, io.env, region));
    });
  } catch (error) {
    if (!(error instanceof InvalidRequest || error instanceof NetworkNotRepairable)) throw error;
    // The same answer provision would give, before anything is created.
    if (command.output.json) {
      writeJsonFailure(io, 'plan', error);
    } else {
      const colors = palette(colorEnabled(io.stderr, io.env));
      writeLine(io.stderr, colors.red(colors.bold(`✖ ${error.name}: ${error.message}`)));
      writeLine(io.stderr, 'Nothing was changed: provision would stop here too, before creating anything.');
    }
    return exitCodeOf({ status: 'FAILED', error: error.name });
  }
  if (command.output.json) writeJson(io, 'plan', plan);
  else for (const line of formatPlan(plan, palette(colorEnabled(io.stdout, io.env)))) writeLine(io.stdout, line);
  return EXIT.ok;
}
