import { handler as auditExistingVpc } from '../../functions/network/audit-existing-vpc';
import { handler as checkNatGateways } from '../../functions/network/check-nat-gateways';
import { handler as ensureInternetGateway } from '../../functions/network/ensure-internet-gateway';
import { handler as ensureNatGateway } from '../../functions/network/ensure-nat-gateway';
import { handler as ensureRouteTables } from '../../functions/network/ensure-route-tables';
import { handler as ensureS3Endpoint } from '../../functions/network/ensure-s3-endpoint';
import { handler as ensureSecurityGroup } from '../../functions/network/ensure-security-group';
import { handler as ensureSubnets } from '../../functions/network/ensure-subnets';
import { handler as ensureVpc } from '../../functions/network/ensure-vpc';
import type {
  AuditSlice,
  CreateModeAudit,
  InternetGatewaySlice,
  NatGatewaysCheck,
  NatGatewaySlice,
  NetworkState,
  RouteTablesSlice,
  S3EndpointSlice,
  SecurityGroupSlice,
  SubnetsSlice,
  VpcSlice,
} from '../../functions/network/types';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import { collectLedger } from '../../functions/shared/ledger';
import type { ExecutionContext, LedgerEntry, NormalizedRequest } from '../../functions/shared/types';

/** The network part of the state after the network tasks, as statemachine/provision.asl.json shapes it. */
export interface NetworkRun {
  readonly execution: ExecutionContext;
  readonly request: NormalizedRequest;
  readonly network: {
    readonly audit: AuditSlice | CreateModeAudit;
    readonly vpc: VpcSlice;
    readonly subnets: SubnetsSlice;
    readonly internetGateway: InternetGatewaySlice;
    readonly securityGroup: SecurityGroupSlice;
    readonly natGateways: NatGatewaySlice[];
    readonly routeTables: RouteTablesSlice;
    readonly s3Endpoint: S3EndpointSlice;
  };
  readonly natWait: { readonly check: NatGatewaysCheck };
  /** Every ledger entry of the run, as Rollback would collect it. */
  readonly ledger: LedgerEntry[];
}

export function execution(name: string): ExecutionContext {
  return { id: `arn:aws:states:us-east-1:000000000000:execution:lambda-egress-provision:${name}`, name, startTime: new Date().toISOString() };
}

/**
 * Runs the network tasks of the state machine in its order, through the real exported handlers against this
 * file's moto account, placing each result where the ASL's ResultPath puts it: Validate -> (audit) -> EnsureVpc
 * -> EnsureSubnets -> EnsureInternetGateway -> EnsureSecurityGroup -> EnsureNatGateway per placement (in
 * parallel, like the Map) -> CheckNatGateways -> EnsureRouteTables -> EnsureS3Endpoint.
 */
export async function runNetworkTasks(rawRequest: unknown, executionName: string): Promise<NetworkRun> {
  const { execution: context, request } = await validateRequest({ input: rawRequest, execution: execution(executionName) });
  const base = { execution: context, request };
  const network: { -readonly [K in keyof NetworkState]: NetworkState[K] } = {};
  network.audit = request.network.mode === 'existing' ? await auditExistingVpc({ ...base, network }) : { mode: 'create' };
  network.vpc = await ensureVpc({ ...base, network });
  network.subnets = await ensureSubnets({ ...base, network });
  network.internetGateway = await ensureInternetGateway({ ...base, network });
  network.securityGroup = await ensureSecurityGroup({ ...base, network });
  const mapInput = { vpc: network.vpc, subnets: network.subnets, internetGateway: network.internetGateway };
  network.natGateways = await Promise.all(network.subnets.natPlacements.map((placement) => ensureNatGateway({ ...base, network: mapInput, placement })));
  const check = await checkNatGateways({ ...base, natGateways: network.natGateways });
  const routeTables = await ensureRouteTables({ ...base, network });
  const s3Endpoint = await ensureS3Endpoint({ ...base, network: { ...network, routeTables } });
  const complete = { ...network, routeTables, s3Endpoint } as NetworkRun['network'];
  return { ...base, network: complete, natWait: { check }, ledger: collectLedger({ network: complete }) };
}

/** The ids a run found or created, to compare two runs. */
export function idsOf(run: NetworkRun) {
  const { network } = run;
  return {
    vpcId: network.vpc.vpcId,
    subnets: network.subnets.subnets.map((subnet) => subnet.subnetId),
    publicSubnetIds: network.subnets.publicSubnetIds,
    privateSubnetIds: network.subnets.privateSubnetIds,
    internetGatewayId: network.internetGateway.internetGatewayId,
    egressOnlyInternetGatewayId: network.internetGateway.egressOnlyInternetGatewayId,
    groupId: network.securityGroup.groupId,
    natGateways: network.natGateways.map((nat) => [nat.az, nat.natTargetId, nat.allocationId]),
    publicRouteTableIds: network.routeTables.publicRouteTableIds,
    privateRouteTables: network.routeTables.privateRouteTables,
    vpcEndpointId: network.s3Endpoint.vpcEndpointId,
  };
}
