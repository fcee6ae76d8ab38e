import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client, type Vpc } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { readFunctionFacts } from '../functions/function/function-facts';
import { functionNotices, type FunctionNotice, type TargetVpcConfig } from '../functions/function/function-notices';
import { hasVpcAccessPolicy, roleNameFromArn, vpcAccessPolicyArn } from '../functions/function/vpc-access-policy';
import { vpcConfigOf } from '../functions/function/vpc-config';
import { auditExistingVpc } from '../functions/network/audit';
import { findAttachedInternetGateway } from '../functions/network/find-internet-gateway';
import { natGatewaysOf, pickNatGateway } from '../functions/network/find-nat-gateway';
import { findS3Endpoint, s3ServiceName } from '../functions/network/find-s3-endpoint';
import { findNetworkSecurityGroup } from '../functions/network/find-security-group';
import { findManagedVpc, findPlannedSubnet, subnetsOf } from '../functions/network/network-lookup';
import { validateRequest } from '../functions/validate/validation';
import { probeFunctionName } from '../functions/probe/probe-naming';
import { createClients, type AwsClients } from '../functions/shared/clients';
import { InvalidRequest, NetworkNotRepairable } from '../functions/shared/errors';
import { registryTableName, type Registry } from '../functions/shared/registry/table';
import type { NormalizedRequest, ProvisionRequestInput } from '../functions/shared/types';
import type { ParsedCommand } from './parsed-command';
import { compareModes, type ModeComparison } from '../functions/network/mode-cost';
import { natModeOf } from '../functions/network/nat-modes';
import { isRegionalPlacement } from '../functions/network/types';
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

type PlanCommand = Extract<ParsedCommand, { command: 'plan' }>;

/** What `provision` would do with a request, found with read-only calls. */
export interface ProvisionPlan {
  readonly request: NormalizedRequest;
  readonly network: {
    readonly mode: 'create' | 'existing';
    readonly name: string;
    /** The VPC the request would use, when it exists already. */
    readonly vpcId?: string;
    /** What is there and would be used as it is. */
    readonly present: string[];
    /** What would be created or changed. */
    readonly changes: string[];
    /** What would be reported and left alone. */
    readonly untouched: string[];
  };
  readonly function: { readonly changes: string[]; readonly notices: FunctionNotice[] };
  readonly natGateways: { readonly total: number; readonly added: number };
  readonly cost: { readonly total: CostEstimate; readonly added: CostEstimate };
  /** Every egress mode priced for the same request (its AZs and traffic), side by side. */
  readonly modes: ModeComparison[];
  /** The public IPs the network would leave from: existing, or added at run time (plan-egress.ts). */
  readonly egressIps: EgressPlan;
}

const PLAN_EXECUTION = { id: 'arn:aws:states:::execution:lambda-egress-plan:plan', name: 'plan' };

/** The NATs a network of this request has when provision is done: one per AZ (per-az, instance), or one (single, regional). */
function natCount(request: NormalizedRequest): number {
  return natModeOf(request.network.natGateways).natCount(request.network.azs.length);
}

/** What `count` NATs of the request's mode cost a month: NAT gateways, or NAT instances (no per-GB charge). */
function natCost(request: NormalizedRequest, count: number, gbPerMonth: number): CostEstimate {
  return count > 0 ? natModeOf(request.network.natGateways).plannedCost(count, gbPerMonth) : estimateMonthlyCost({ natGateways: 0, gbPerMonth: 0 });
}

/** Create mode: a new network, or the one with this name tag, completed with whatever it lacks. */
async function planCreateMode(ec2: EC2Client, request: NormalizedRequest): Promise<{ network: ProvisionPlan['network']; natsAdded: number; target?: TargetVpcConfig }> {
  const network = request.network;
  const mode = natModeOf(network.natGateways);
  const wanted = natCount(request);
  const vpc: Vpc | undefined = await findManagedVpc(ec2, network.name);
  if (!vpc?.VpcId) {
    const subnets = network.subnetPlan.map((subnet) => `${subnet.tier} subnet ${subnet.cidr} in ${subnet.az}`);
    return {
      natsAdded: wanted,
      network: {
        mode: 'create',
        name: network.name,
        present: [],
        changes: [
          `VPC ${network.cidr} tagged lambda-egress:network=${network.name} (DNS support and host names on${network.ipv6 ? ', an Amazon IPv6 /56' : ''})`,
          ...subnets,
          'internet gateway, attached to the VPC',
          ...(network.ipv6 ? ['egress-only internet gateway (::/0 of the private subnets)'] : []),
          mode.describeCreate(network),
          `route tables: ${mode.needsPublicSubnets ? 'public (0.0.0.0/0 -> internet gateway), ' : ''}one private per AZ (0.0.0.0/0 -> ${mode.routeTo})`,
          ...(network.s3Endpoint ? ['S3 gateway endpoint on the private route tables (free)'] : []),
          'security group for the function: all outbound, no inbound',
          `probe function ${probeFunctionName(network.name)} in the private subnets (one per network)`,
        ],
        untouched: [],
      },
    };
  }
  const vpcId = vpc.VpcId;
  // The find steps of EnsureSubnets, EnsureInternetGateway, EnsureNatGateway, EnsureSecurityGroup, EnsureS3Endpoint.
  const [subnets, igw, nats, group, endpoint] = await Promise.all([
    subnetsOf(ec2, vpcId),
    findAttachedInternetGateway(ec2, vpcId),
    natGatewaysOf(ec2, vpcId),
    findNetworkSecurityGroup(ec2, vpcId, network.name, PLAN_EXECUTION.id),
    network.s3Endpoint ? s3ServiceName(ec2).then((serviceName) => findS3Endpoint(ec2, vpcId, serviceName, network.name, PLAN_EXECUTION.id)) : undefined,
  ]);
  const present: string[] = [`VPC ${vpcId} (${vpc.CidrBlock}) of network "${network.name}": reused`];
  const changes: string[] = [];
  const publicSubnets: Array<{ az: string; subnetId?: string }> = [];
  const privateSubnetIds: Array<string | undefined> = [];
  for (const planned of network.subnetPlan) {
    const found = findPlannedSubnet(subnets, planned, network.name);
    if (planned.tier === 'private') privateSubnetIds.push(found?.SubnetId);
    if (found) present.push(`${planned.tier} subnet ${found.SubnetId} (${found.CidrBlock}) in ${planned.az}`);
    else changes.push(`${planned.tier} subnet ${planned.cidr} in ${planned.az}`);
    if (planned.tier === 'public') publicSubnets.push({ az: planned.az, ...(found?.SubnetId ? { subnetId: found.SubnetId } : {}) });
  }
  if (igw?.InternetGatewayId) present.push(`internet gateway ${igw.InternetGatewayId}`);
  else changes.push('internet gateway, attached to the VPC');
  // EnsureSubnets places the NATs as the mode does (one per public subnet, or the first only); a regional NAT
  // gateway has no subnet and is not listed here.
  const modePlacements = natModeOf(network.natGateways).placements(publicSubnets.map(({ az, subnetId }) => ({ az, subnetId: subnetId ?? '' })));
  const placements = modePlacements.flatMap((placement) => (isRegionalPlacement(placement) ? [] : [{ az: placement.az, subnetId: placement.subnetId || undefined }]));
  let natsAdded = 0;
  for (const placement of placements) {
    const nat = placement.subnetId ? pickNatGateway(nats, { subnetId: placement.subnetId, network, executionId: PLAN_EXECUTION.id }) : undefined;
    if (nat) present.push(`NAT gateway ${nat.NatGatewayId} in ${placement.az} (${nat.State})`);
    else {
      changes.push(`NAT gateway with an Elastic IP in the public subnet of ${placement.az}`);
      natsAdded += 1;
    }
  }
  changes.push('route tables checked and completed: public 0.0.0.0/0 -> internet gateway, private 0.0.0.0/0 -> NAT gateway');
  if (group) present.push(`security group ${group.GroupId}`);
  else changes.push('security group for the function: all outbound, no inbound');
  if (network.s3Endpoint) {
    if (endpoint) present.push(`S3 gateway endpoint ${endpoint.VpcEndpointId}`);
    else changes.push('S3 gateway endpoint on the private route tables (free)');
  }
  // The VpcConfig the function would get, when every part of it exists already (the notices' snippets need the ids).
  const complete = group?.GroupId && privateSubnetIds.every(Boolean);
  const target = complete ? { vpcId, subnetIds: privateSubnetIds as string[], securityGroupIds: [group.GroupId!], ipv6AllowedForDualStack: network.ipv6 } : undefined;
  return { natsAdded, network: { mode: 'create', name: network.name, vpcId, present, changes, untouched: [] }, ...(target ? { target } : {}) };
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
export async function planProvision(clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda' | 'servicequotas'>, input: ProvisionRequestInput, gbPerMonth: number, registry?: Registry): Promise<ProvisionPlan> {
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

export function formatPlan(plan: ProvisionPlan, colors: ReturnType<typeof palette>): string[] {
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
