import { GetFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../shared/clients';
import type { CostEstimate } from '../shared/cost';
import { undefinedWhenNotFound } from '../shared/errors';
import { natGatewaysMonthlyCost } from '../network/network-cost';
import type { RegisteredNetwork } from '../shared/registry/network-items';
import type { NetworkRecord } from '../shared/registry/records';
import type { FunctionVpcConfig } from '../shared/state/function-config';
import type { Registry } from '../shared/registry/table';
import type { ResourceKind } from '../shared/types';
import { otherVpcFunctionsUsingRole } from '../function/role-sharing';
import { hasVpcAccessPolicy, roleNameFromArn, vpcAccessPolicyArn } from '../function/vpc-access-policy';
import { memberToRelease } from './release-member';
import { teardownLedger } from '../teardown/teardown-ledger';
import { networkToTearDown, refuseWhileInUse, releaseTearsDown } from '../teardown/teardown-plan';

/** What a teardown of a network would delete, in order, and what that saves a month. Nothing is changed. */
export interface TeardownPreview {
  readonly network: string;
  readonly mode: NetworkRecord['mode'];
  readonly vpcId?: string;
  /** The network's ledger in the order the undo engine deletes it. */
  readonly deletes: ReadonlyArray<{ readonly kind: ResourceKind; readonly id: string; readonly az?: string }>;
  /** What the teardown also deletes or leaves, found only when it runs. */
  readonly notes: string[];
  /** The NAT gateways' hours and public IPv4 addresses the teardown stops (data processing ends with the traffic). */
  readonly monthlySaving: CostEstimate;
}

/** What a release of a function would change, and the teardown it would continue into. Nothing is changed. */
export interface ReleasePreview {
  readonly functionName: string;
  readonly functionArn: string;
  readonly network: string;
  readonly function: { readonly changes: string[] };
  readonly role: { readonly changes: string[] };
  /** Whether the release goes on into the network's teardown, and why (not). */
  readonly teardownDecision: string;
  readonly teardown?: TeardownPreview;
  readonly monthlySavingUsd: number;
}

const describeVpcConfig = (config: FunctionVpcConfig): string =>
  config.subnetIds.length === 0
    ? 'no VPC'
    : `subnets ${config.subnetIds.join(', ')}, security groups ${config.securityGroupIds.join(', ')}, IPv6 for dual-stack ${config.ipv6AllowedForDualStack === true ? 'on' : 'off'}`;

/** `plan --teardown`: the network must be registered and unused (NetworkInUse names its members otherwise). */
export async function planTeardown(registry: Registry, name: string): Promise<TeardownPreview> {
  const network = await networkToTearDown(registry, name);
  refuseWhileInUse(network);
  return teardownPreview(network.record);
}

function teardownPreview(record: NetworkRecord): TeardownPreview {
  const deletes = teardownLedger(record).map((entry) => ({ kind: entry.kind, id: entry.id, ...(entry.az ? { az: entry.az } : {}) }));
  const natGateways = deletes.filter((entry) => entry.kind === 'nat-gateway').length;
  return {
    network: record.name,
    mode: record.mode,
    ...(record.vpcId ? { vpcId: record.vpcId } : {}),
    deletes,
    notes: [
      "also deleted before the security group and subnets: Lambda's detached `AWS Lambda VPC ENI-*` interfaces left in the network's own subnets (found when the teardown runs; it waits, bounded, for those still in use)",
      ...(record.mode === 'existing' ? [`kept: VPC ${record.vpcId ?? '?'} and everything in it lambda-egress did not create`] : []),
    ],
    monthlySaving: natGatewaysMonthlyCost(record.natGatewayMode, natGateways, record.azs.length),
  };
}

/** `plan --release`: what RestoreFunction and RestoreRolePolicy would do, and whether RemoveMembership would lead into the teardown. */
export async function planRelease(clients: Pick<AwsClients, 'lambda' | 'iam'>, registry: Registry, functionName: string, teardownIfUnused: boolean): Promise<ReleasePreview> {
  const { functionArn, membership, network } = await memberToRelease(clients, registry, functionName);
  const current = await currentConfiguration(clients, functionArn);
  const functionChanges = current
    ? [`VpcConfig: from ${describeVpcConfig({ subnetIds: current.VpcConfig?.SubnetIds ?? [], securityGroupIds: current.VpcConfig?.SecurityGroupIds ?? [], ipv6AllowedForDualStack: current.VpcConfig?.Ipv6AllowedForDualStack ?? false })} back to ${describeVpcConfig(membership.originalVpcConfig)} (recorded before lambda-egress first moved it); every other setting untouched`]
    : [`the function no longer exists: only its membership of "${network.name}" is removed`];
  const remaining = network.members.map((member) => member.functionArn).filter((arn) => arn !== functionArn);
  const continues = releaseTearsDown(teardownIfUnused, network, remaining) && network.record !== undefined;
  const teardown = continues && network.record ? teardownPreview(network.record) : undefined;
  return {
    functionName: membership.functionName,
    functionArn,
    network: network.name,
    function: { changes: functionChanges },
    role: { changes: current?.Role ? await roleChanges(clients, current, membership.vpcAccessPolicyAttachedBefore) : [] },
    teardownDecision: teardownDecision(network, remaining, teardownIfUnused, continues),
    ...(teardown ? { teardown } : {}),
    monthlySavingUsd: teardown?.monthlySaving.totalUsd ?? 0,
  };
}

async function currentConfiguration(clients: Pick<AwsClients, 'lambda'>, functionArn: string): Promise<FunctionConfiguration | undefined> {
  return undefinedWhenNotFound(clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn })));
}

/** RestoreFunction's and RestoreRolePolicy's decisions about AWSLambdaVPCAccessExecutionRole, read-only. */
async function roleChanges(clients: Pick<AwsClients, 'lambda' | 'iam'>, current: FunctionConfiguration, attachedBefore: boolean): Promise<string[]> {
  const roleName = roleNameFromArn(current.Role!);
  if (attachedBefore) return [`role ${roleName}: AWSLambdaVPCAccessExecutionRole kept (the role had it before lambda-egress)`];
  const sharedWith = await otherVpcFunctionsUsingRole(clients.lambda, roleName, current.FunctionName ?? '', current.FunctionArn ?? '');
  const attachedNow = await hasVpcAccessPolicy(clients.iam, roleName, vpcAccessPolicyArn(current.FunctionArn ?? current.Role!));
  const during = attachedNow ? 'kept during the release' : 'attached for the release';
  return [
    sharedWith.length > 0
      ? `role ${roleName}: AWSLambdaVPCAccessExecutionRole ${during} (Lambda deletes the function's network interfaces with it), then kept: shared with ${sharedWith.join(', ')} in a VPC`
      : `role ${roleName}: AWSLambdaVPCAccessExecutionRole ${during} (Lambda deletes the function's network interfaces with it), detached once they are gone: the role ends as it was before lambda-egress`,
  ];
}

function teardownDecision(network: RegisteredNetwork, remaining: readonly string[], teardownIfUnused: boolean, continues: boolean): string {
  if (continues) return `no other function uses network "${network.name}" and ${teardownIfUnused ? '--teardown-if-unused was given' : 'the network was created with deleteWhenUnused'}: the release goes on into its teardown`;
  if (remaining.length > 0) {
    const names = network.members.filter((member) => remaining.includes(member.functionArn)).map((member) => member.functionName || member.functionArn);
    return `network "${network.name}" stays: still used by ${names.join(', ')}`;
  }
  return `network "${network.name}" stays, unused: add --teardown-if-unused, or run lambda-egress teardown --network ${network.name} after the release`;
}
