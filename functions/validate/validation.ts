import { DescribeVpcsCommand, type EC2Client, type Vpc } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../shared/clients';
import { awsErrorName, InvalidRequest, isNotFound } from '../shared/errors';
import { logger } from '../shared/logger';
import type { NormalizedNetwork, PlannedSubnet } from '../shared/types';
import { formatIpv4Block, ipv4Block, isRfc1918, parseIpv4Cidr, networkOf } from '../network/cidr';
import { longestVpcPrefix, MAX_VPC_PREFIX_LENGTH, MIN_PRIVATE_PREFIX, MIN_PUBLIC_PREFIX, planSubnets } from '../network/cidr-plan';
import { checkEgressIpAllocations } from '../network/egress-ip-preflight';
import { keptEgressIpsFor } from '../network/kept-egress-ip-preflight';
import { DEFAULT_NAT_INSTANCE_TYPE } from '../network/nat-instance-launch';
import { natModeOf } from '../network/nat-modes';
import { findManagedVpc, ipv6BlockOf, managedSubnetTier, subnetsOf } from '../network/network-lookup';
import { chooseAvailabilityZones } from './preflight/availability-zones';
import { resolveChosenZones } from './preflight/chosen-zones';
import { refuseExclusionOfExistingVpc } from '../network/block-public-access';
import { securityGroupsToKeep } from './preflight/function-groups';
import { checkFunctionMove } from './preflight/function-move';
import { inheritNetworkSettings } from './network-settings';
import { alreadyMemberOf } from './already-member';
import { joinCreatesNothing } from './join-preflight';
import { preflight } from './preflight/preflight';
import { checkRequestSchema, type SchemaCheckedRequest } from './request-schema';
import { checkFunctionInScope } from '../network/check-scope';
import { allowedFunctionsOf, checkNetworkMembers, recordedNetwork } from '../network/check-network-members';
import type { Registry } from '../shared/registry/table';
import { splitRequestedBy } from '../shared/requested-by';
import { targetScopeFromEnvironment, type TargetScope } from '../shared/target-scope';
import type { ValidatedState, ValidateRequestInput } from '../network/types';

/**
 * ValidateRequest: the request as the user sent it -> the normalised request (defaults, function ARN, AZs,
 * CIDR plan), or InvalidRequest naming the field and what would be valid. Read-only: it never creates anything.
 */
export async function validateRequest(clients: Pick<AwsClients, 'ec2' | 'lambda' | 'servicequotas'>, input: ValidateRequestInput, scope: TargetScope = targetScopeFromEnvironment(), registry?: Registry): Promise<ValidatedState> {
  const { request: raw, requestedBy } = splitRequestedBy(input.input, input.execution.id);
  // A join takes the network's recorded settings the request leaves unset, and is refused stating others.
  const schemaChecked = checkRequestSchema(raw);
  const record = registry ? await recordedNetwork(registry, schemaChecked.network.name) : undefined;
  const { checked, inherited } = inheritNetworkSettings(schemaChecked, raw, record);
  const natInstanceType = natInstanceTypeOf(checked);
  const region = await clients.ec2.config.region();
  const { functionArn, configuration } = await resolveFunctionArn(clients, checked.functionName, region);
  await checkFunctionInScope(clients, scope, functionArn);
  const found = checked.network.vpcId ? await existingNetwork(clients.ec2, checked, region) : await newNetwork(clients.ec2, checked, region);
  const allowedFunctions = allowedFunctionsOf(checked.network.allowedFunctions);
  const eipAllocationIds = checked.network.eipAllocationIds;
  const network = {
    ...found,
    ...(natInstanceType ? { natInstanceType } : {}),
    ...(allowedFunctions ? { allowedFunctions } : {}),
    ...(eipAllocationIds ? { eipAllocationIds } : {}),
    ...(checked.network.keepEgressIps ? { keepEgressIps: true } : {}),
  };
  await checkNetworkMembers(clients, registry, network, functionArn, registry ? { record } : undefined);
  // A join creates nothing (docs/joins.md), so the checks of what a build creates do not apply to it.
  const { keptEgressIps, preflightNotes } = joinCreatesNothing(record, network) ? { keptEgressIps: undefined, preflightNotes: [] } : await buildPreflight(clients, network, region);
  for (const note of preflightNotes) logger.warn('preflight', { note });
  const leavesVpc = await checkFunctionMove(clients.ec2, { functionArn, configuration, network, moveFromVpc: checked.moveFromVpc, ...(registry ? { registry } : {}) });
  const keepSecurityGroupIds = await securityGroupsToKeep(clients.ec2, configuration, network);
  const request: ValidatedState['request'] = {
    functionName: checked.functionName,
    functionArn,
    network: keptEgressIps ? { ...network, keptEgressIps } : network,
    probe: checked.probe,
    detachVpcAccessPolicy: checked.detachVpcAccessPolicy,
    // Read by DetachVpcAccessPolicy (functions/function); present only when asked for.
    ...(checked.forceDetachVpcAccessPolicy ? { forceDetachVpcAccessPolicy: true } : {}),
    ...(checked.keepNarrowEniPolicy ? { keepNarrowEniPolicy: true } : {}),
    ...(keepSecurityGroupIds ? { keepSecurityGroupIds } : {}),
    ...(leavesVpc ? { leavesVpc } : {}),
    ...(inherited ? { inheritedSettings: inherited } : {}),
    ...(preflightNotes.length > 0 ? { preflightNotes } : {}),
  };
  // Read-only: a repeated request that would change nothing goes straight to ReportResult (already-member.ts).
  const alreadyMember = await alreadyMemberOf(clients.ec2, registry, { functionArn, configuration, network, record });
  return { execution: input.execution, request, requestedBy, ...(alreadyMember ? { alreadyMember } : {}) };
}

/**
 * What AWS or the account's settings would refuse part-way through a build (docs/preflight.md): the request's
 * Elastic IPs, the kept egress IPs of an earlier network of this name, quotas and Block Public Access.
 */
async function buildPreflight(clients: Pick<AwsClients, 'ec2' | 'servicequotas'>, network: NormalizedNetwork, region: string): Promise<{ keptEgressIps: Awaited<ReturnType<typeof keptEgressIpsFor>>; preflightNotes: string[] }> {
  await checkEgressIpAllocations(clients.ec2, network, region);
  const keptEgressIps = await keptEgressIpsFor(clients.ec2, network);
  const preflightNotes = await preflight(clients.ec2, network, { region, ...(clients.servicequotas ? { serviceQuotas: clients.servicequotas } : {}) });
  return { keptEgressIps, preflightNotes };
}

/**
 * natGateways "instance": the instance type, t4g.nano unless given (the schema checked it is a Graviton type, which
 * the Amazon Linux 2023 arm64 AMI needs). Refused with any other mode, where no instance is launched.
 */
function natInstanceTypeOf(checked: SchemaCheckedRequest): string | undefined {
  const given = checked.network.natInstanceType;
  if (natModeOf(checked.network.natGateways).launchesInstances) return given ?? DEFAULT_NAT_INSTANCE_TYPE;
  if (given !== undefined) {
    throw new InvalidRequest('network.natInstanceType', `applies only to natGateways "instance" (NAT instances), and natGateways is "${checked.network.natGateways}": remove network.natInstanceType, or set network.natGateways to "instance"`);
  }
  return undefined;
}

const ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+)$/;

async function resolveFunctionArn(clients: Pick<AwsClients, 'lambda'>, functionName: string, region: string): Promise<{ functionArn: string; configuration: FunctionConfiguration }> {
  const arnRegion = ARN.exec(functionName)?.[1];
  if (arnRegion && arnRegion !== region) {
    throw new InvalidRequest('functionName', `${functionName} is in ${arnRegion}, but this workflow runs in ${region}: give a function of ${region}, or run lambda-egress in ${arnRegion}`);
  }
  try {
    const found = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    if (!found.FunctionArn) throw new Error(`Lambda returned no FunctionArn for ${functionName}`);
    checkFunctionUsable(functionName, found);
    // A plain name resolves to the unqualified ARN; VpcConfig belongs to the function, not to a version.
    return { functionArn: found.FunctionArn.replace(/:\$LATEST$/, ''), configuration: found };
  } catch (error) {
    if (isNotFound(error)) {
      throw new InvalidRequest('functionName', `there is no function ${JSON.stringify(functionName)} in ${region} for this account: give the name or ARN of an existing function`);
    }
    throw error;
  }
}

/**
 * A function Lambda cannot update as it is: refused before anything is created, with what to do
 * (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html). `Inactive`: idle long enough that Lambda
 * reclaimed its resources, and an invocation makes it Pending until they are back. `Failed`: its creation failed,
 * it must be deleted and created again. LastUpdateStatus `Failed`: its last update was abandoned (the previous
 * configuration still runs) for the reason Lambda gives; an update on top of it would likely fail the same way.
 */
function checkFunctionUsable(functionName: string, configuration: FunctionConfiguration): void {
  const name = configuration.FunctionName ?? functionName;
  const because = (reason: string | undefined, code: string | undefined) => (reason || code ? ` (${[code, reason].filter(Boolean).join(': ')})` : '');
  if (configuration.State === 'Inactive') {
    throw new InvalidRequest(
      'functionName',
      `${name} is in state Inactive${because(configuration.StateReason, configuration.StateReasonCode)}: Lambda reclaimed its resources after a long idle time and would not apply a new VpcConfig now. Invoke it once (aws lambda invoke --function-name ${name} /dev/null), wait until it is Active (aws lambda wait function-active-v2 --function-name ${name}), then run again`,
      { state: 'Inactive' },
    );
  }
  if (configuration.State === 'Failed') {
    throw new InvalidRequest(
      'functionName',
      `${name} is in state Failed${because(configuration.StateReason, configuration.StateReasonCode)}: Lambda could not create it, and a failed function cannot be updated. Delete it and create it again, then run again`,
      { state: 'Failed' },
    );
  }
  if (configuration.LastUpdateStatus === 'Failed') {
    throw new InvalidRequest(
      'functionName',
      `the last update of ${name} failed (LastUpdateStatus Failed${because(configuration.LastUpdateStatusReason, configuration.LastUpdateStatusReasonCode).replace(/^ \(/, ': ').replace(/\)$/, '')}): Lambda kept its previous configuration. Fix the cause Lambda gives and update the function successfully (aws lambda get-function-configuration --function-name ${name} shows LastUpdateStatus Successful), then run again`,
      { lastUpdateStatus: 'Failed' },
    );
  }
}

async function newNetwork(ec2: EC2Client, checked: SchemaCheckedRequest, region: string): Promise<NormalizedNetwork> {
  const { name, azCount } = checked.network;
  const shared = await findManagedVpc(ec2, name);
  const cidr = shared && !checked.network.cidrGiven ? (shared.CidrBlock ?? checked.network.cidr) : checked.network.cidr;
  const vpcBlock = checkVpcCidr(cidr, azCount);
  if (shared && shared.CidrBlock !== cidr) {
    throw new InvalidRequest('network.cidr', `network "${name}" already exists (${shared.VpcId}, ${shared.CidrBlock}); a request for it must use the same cidr: leave network.cidr out or set it to ${shared.CidrBlock}, or choose another network.name`);
  }
  const natInstanceType = natModeOf(checked.network.natGateways).launchesInstances ? { natInstanceType: natInstanceTypeOf(checked) } : {};
  const zones = checked.network.availabilityZones
    ? await resolveChosenZones(ec2, { availabilityZones: checked.network.availabilityZones, azCount, azCountGiven: checked.network.azCountGiven, ...natInstanceType }, region)
    : await chooseAvailabilityZones(ec2, { azCount, ...natInstanceType }, region);
  const azs = zones.map((zone) => zone.name);
  const azIds = zones.every((zone) => zone.id) ? { azIds: zones.map((zone) => zone.id ?? '') } : {};
  // A regional NAT gateway needs no public subnet to host it (Amazon VPC User Guide, "Regional NAT gateways for
  // automatic multi-AZ expansion": https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html):
  // only the private subnets are created; the layout keeps their CIDRs where the other modes put them.
  const planned = planSubnets(vpcBlock, azs, checked.network.ipv6);
  const subnetPlan = natModeOf(checked.network.natGateways).needsPublicSubnets ? planned : planned.filter((subnet) => subnet.tier === 'private');
  if (shared) await checkSharedNetworkMatches(ec2, shared, checked, subnetPlan);
  return {
    mode: 'create',
    name,
    cidr,
    azs,
    ...azIds,
    natGateways: checked.network.natGateways,
    ipv6: checked.network.ipv6,
    s3Endpoint: checked.network.s3Endpoint,
    alarms: checked.network.alarms,
    deleteWhenUnused: checked.network.deleteWhenUnused,
    ...(checked.network.blockPublicAccessExclusion ? { blockPublicAccessExclusion: true } : {}),
    subnetPlan,
  };
}

function checkVpcCidr(cidr: string, azCount: number) {
  const parsed = parseIpv4Cidr(cidr);
  if (!parsed) throw new InvalidRequest('network.cidr', `${JSON.stringify(cidr)} is not an IPv4 CIDR block: write it as a.b.c.d/n, like 10.0.0.0/16`);
  const block = ipv4Block(cidr);
  if (!block) {
    const canonical = formatIpv4Block({ base: networkOf(parsed.address, parsed.prefix), prefix: parsed.prefix });
    throw new InvalidRequest('network.cidr', `${cidr} has host bits set: the block starts at ${canonical}; use ${canonical}`);
  }
  const longest = longestVpcPrefix(azCount);
  if (block.prefix < MAX_VPC_PREFIX_LENGTH) {
    throw new InvalidRequest('network.cidr', `${cidr} is larger than AWS allows for a VPC: use a prefix from /${MAX_VPC_PREFIX_LENGTH} to /${longest}, like ${formatIpv4Block({ base: block.base, prefix: MAX_VPC_PREFIX_LENGTH })}`);
  }
  if (!isRfc1918(block)) {
    throw new InvalidRequest('network.cidr', `${cidr} is not a private (RFC 1918) range: use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, like 10.0.0.0/16`);
  }
  if (block.prefix > longest) {
    throw new InvalidRequest(
      'network.cidr',
      `${cidr} is too small for ${azCount} AZ(s) of one private (/${MIN_PRIVATE_PREFIX} at least, for Lambda's ENIs) and one public (/${MIN_PUBLIC_PREFIX} at least) subnet each: the minimum is a /${longest}, like ${formatIpv4Block({ base: networkOf(block.base, longest), prefix: longest })} (any prefix from /${MAX_VPC_PREFIX_LENGTH} to /${longest})`,
      { minimumPrefixLength: longest },
    );
  }
  return block;
}

/**
 * A network is shared by name: a later request for it must describe the same layout, or its plan would put
 * new subnets over the existing ones.
 */
async function checkSharedNetworkMatches(ec2: EC2Client, vpc: Vpc, checked: SchemaCheckedRequest, plan: PlannedSubnet[]): Promise<void> {
  const { name } = checked.network;
  if (checked.network.ipv6 && !ipv6BlockOf(vpc)) {
    throw new InvalidRequest('network.ipv6', `network "${name}" already exists (${vpc.VpcId}) without IPv6, and lambda-egress does not change a network others use: set network.ipv6 to false, or choose another network.name`);
  }
  const existing = (await subnetsOf(ec2, vpc.VpcId ?? '')).flatMap((subnet) => {
    const tier = managedSubnetTier(subnet.Tags, name);
    return tier && subnet.AvailabilityZone && subnet.CidrBlock ? [{ az: subnet.AvailabilityZone, tier, cidr: subnet.CidrBlock }] : [];
  });
  const mismatch = existing.find((subnet) => !plan.some((planned) => planned.az === subnet.az && planned.tier === subnet.tier && planned.cidr === subnet.cidr));
  if (mismatch) {
    const azs = [...new Set(existing.map((subnet) => subnet.az))].sort();
    throw new InvalidRequest(
      'network.azCount',
      `network "${name}" already exists (${vpc.VpcId}, ${vpc.CidrBlock}) with subnets in ${azs.join(', ')}, which this request's layout does not match (its ${mismatch.tier} subnet ${mismatch.cidr} in ${mismatch.az}): use azCount ${azs.length} and the same cidr, or choose another network.name`,
    );
  }
}

async function existingNetwork(ec2: EC2Client, checked: SchemaCheckedRequest, region: string): Promise<NormalizedNetwork> {
  const vpcId = checked.network.vpcId ?? '';
  let vpc: Vpc | undefined;
  try {
    vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0];
  } catch (error) {
    if (!/^InvalidVpcID\./.test(awsErrorName(error) ?? '')) throw error;
  }
  if (!vpc) {
    throw new InvalidRequest('network.vpcId', `${vpcId} does not exist in ${region} for this account: give the id of one of its VPCs (aws ec2 describe-vpcs), or leave network.vpcId out to create a new VPC`);
  }
  if (checked.network.ipv6 && !ipv6BlockOf(vpc)) {
    throw new InvalidRequest(
      'network.ipv6',
      `${vpcId} has no IPv6 CIDR block, and lambda-egress does not add one to a VPC it did not create: associate one yourself (aws ec2 associate-vpc-cidr-block --amazon-provided-ipv6-cidr-block --vpc-id ${vpcId}), or set network.ipv6 to false`,
    );
  }
  if (checked.network.blockPublicAccessExclusion) refuseExclusionOfExistingVpc(vpcId, region);
  const subnets = await subnetsOf(ec2, vpcId);
  const azs = [...new Set(subnets.map((subnet) => subnet.AvailabilityZone).filter((az): az is string => Boolean(az)))].sort();
  const idOf = new Map(subnets.map((subnet) => [subnet.AvailabilityZone, subnet.AvailabilityZoneId]));
  const azIds = azs.map((az) => idOf.get(az) ?? '');
  return {
    mode: 'existing',
    name: checked.network.name,
    vpcId,
    azs,
    ...(azIds.every(Boolean) && azIds.length > 0 ? { azIds } : {}),
    natGateways: checked.network.natGateways,
    ipv6: checked.network.ipv6,
    s3Endpoint: checked.network.s3Endpoint,
    alarms: checked.network.alarms,
    deleteWhenUnused: checked.network.deleteWhenUnused,
    subnetPlan: [],
  };
}
