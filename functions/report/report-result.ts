import { functionNotices } from '../function/function-notices';
import type { FunctionFacts, FunctionVpcConfig } from '../function/types';
import { natTargetOf } from '../network/nat-targets';
import { egressOfState } from './egress-of-state';
import { collectLedger } from '../shared/ledger';
import { taskHandler, type TaskTiming } from '../shared/task-handler';
import type { ProvisionResult, ReportInput } from './types';

export type { ProvisionResult, ReportInput };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The NATs of the state, as the result names them. */
function natGatewaysOf(nats: unknown): ProvisionResult['network']['natGateways'] {
  return (Array.isArray(nats) ? (nats as Array<Record<string, unknown> | undefined>) : []).map((nat) => {
    const natTargetId = str(nat?.natTargetId) ?? '';
    // natGatewayId: natTargetId's name before, kept for readers of --json; a NAT gateway's id only (its schema's ^nat-).
    return { az: str(nat?.az) ?? '', natTargetId, ...(natTargetOf(natTargetId)?.kind === 'nat-gateway' ? { natGatewayId: natTargetId } : {}) };
  });
}

export function reportResult(input: ReportInput): ProvisionResult {
  const network = input.network ?? {};
  const slice = (key: string): Record<string, unknown> => {
    const value = network[key];
    return value && !Array.isArray(value) ? value : {};
  };
  const natGateways = natGatewaysOf(network.natGateways);
  const attach = input.function?.attach ?? {};
  const policy = input.function?.vpcAccessPolicy ?? {};
  const subnets = slice('subnets');
  const internetGateway = slice('internetGateway');
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  const appliedVpcConfig = {
    subnetIds: strings(attach.subnetIds),
    securityGroupIds: strings(attach.securityGroupIds),
    ipv6AllowedForDualStack: attach.ipv6AllowedForDualStack === true,
  };
  const vpcId = str(slice('vpc').vpcId) ?? '';
  const facts = input.function?.original?.facts as FunctionFacts | undefined;
  return {
    executionId: input.execution.id,
    functionArn: input.request.functionArn,
    network: {
      mode: input.request.network.mode,
      name: input.request.network.name,
      vpcId,
      publicSubnetIds: strings(subnets.publicSubnetIds),
      privateSubnetIds: strings(subnets.privateSubnetIds),
      ...optional('securityGroupId', str(slice('securityGroup').groupId)),
      ...optional('internetGatewayId', str(internetGateway.internetGatewayId)),
      ...optional('egressOnlyInternetGatewayId', str(internetGateway.egressOnlyInternetGatewayId)),
      natGateways,
      availabilityZones: input.request.network.azs.map((name, index) => ({ name, ...(input.request.network.azIds?.[index] ? { id: input.request.network.azIds[index] } : {}) })),
      ...egressOfState(input),
      ...optional('s3EndpointId', str(slice('s3Endpoint').vpcEndpointId)),
      reported: Array.isArray(slice('routeTables').reported) ? (slice('routeTables').reported as unknown[]) : [],
    },
    function: {
      originalVpcConfig: input.function?.original?.vpcConfig,
      appliedVpcConfig,
      vpcAccessPolicy: {
        attachedByExecution: policy.policyAttachedByExecution === true,
        ...(typeof input.function?.original?.vpcAccessPolicyAttached === 'boolean' ? { attachedBefore: input.function.original.vpcAccessPolicyAttached } : {}),
        detached: input.detach?.detached === true,
        ...optional('reason', str(input.detach?.reason)),
      },
      notices: functionNotices(input.request.functionName, facts, { ...appliedVpcConfig, vpcId: str(attach.vpcId) ?? vpcId }, { network: input.request.network.name, originalVpcConfig: input.function?.original?.vpcConfig as FunctionVpcConfig | undefined }),
      ...(input.request.leavesVpc ? { leftVpc: input.request.leavesVpc } : {}),
    },
    probe: { passed: input.probe?.passed === true, result: input.probe?.result, reachability: input.probe?.reachability },
    waits: { natGatewayChecks: input.waits?.natGatewayChecks ?? 0, functionUpdateChecks: input.waits?.functionUpdateChecks ?? 0 },
    ledger: collectLedger(input),
    timings: collectTimings(input),
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    ...(input.alreadyMember === true ? { alreadyMember: true as const } : {}),
  };
}

/** Every `timing` stamp in the state (functions/shared/task-handler.ts), nested Map results included. */
export function collectTimings(state: unknown): TaskTiming[] {
  const found: TaskTiming[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'timing' && isTiming(child)) found.push(child);
      else visit(child);
    }
  };
  visit(state);
  return found.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

function isTiming(value: unknown): value is TaskTiming {
  const timing = value as TaskTiming;
  return typeof timing === 'object' && timing !== null && typeof timing.task === 'string' && typeof timing.durationMs === 'number';
}

export const handler = taskHandler('ReportResult', async (input: ReportInput) => reportResult(input));
