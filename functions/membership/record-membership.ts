import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { publishNetworkParameters } from '../network/network-parameters-publish';
import { createClients, type AwsClients } from '../shared/clients';
import { narrowEniPolicyName } from '../shared/eni-policy-name';
import { collectLedger, networkEntries } from '../shared/ledger';
import { keepingLedgerOnError } from '../shared/ledger-on-error';
import { recordMembership, type MembershipWrite } from '../shared/registry/membership';
import { registryTableName, type Registry } from '../shared/registry/table';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import type { MembershipSlice, RecordMembershipInput } from './types';

const unique = (ids: ReadonlyArray<string | undefined>): string[] => [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0))];

/**
 * Where the private subnets' traffic leaves: the NATs their route tables point at (after a mode change, not the
 * NAT gateway the network used before), or, without route tables in the state, this execution's NATs.
 */
function egressNatIds(network: RecordMembershipInput['network']): string[] {
  const routed = unique((network?.routeTables?.privateRouteTables ?? []).map((table) => table.natTargetId));
  return routed.length > 0 ? routed : unique((network?.natGateways ?? []).map((nat) => nat.natTargetId));
}

/**
 * After AttachFunction succeeded: the network publishes its parameters for IaC (network-parameters-publish.ts),
 * the function is a member of the network, the network is `ready`, and the network's ledger gains what this
 * execution created in it (the parameters it created included, so teardown deletes them). A step of this task
 * rather than a task of its own: the network is ready here, and its ledger is written here. Should the registry
 * write fail, the parameters created travel in the error (keepingLedgerOnError) and Rollback deletes them.
 * Idempotent: a retry writes the same parameters and items.
 */
export async function recordMembershipOfExecution(registry: Registry, clients: Pick<AwsClients, 'ssm' | 'ec2'>, input: RecordMembershipInput): Promise<MembershipSlice> {
  const { request, network, execution } = input;
  const { original, vpcId, privateSubnetIds } = requiredFacts(input);
  const natTargetIds = unique([...(network?.routeTables?.privateRouteTables ?? []).map((table) => table.natTargetId), ...(network?.natGateways ?? []).map((nat) => nat.natTargetId)]);
  const parameterLedger: LedgerEntry[] = [];
  return keepingLedgerOnError(parameterLedger, async () => {
    // A join (shared claim) changes nothing of the network, so its parameters, published by the execution that built
    // or last changed it, are already what they would write: no SSM call on the join's path (docs/joins.md "Latency").
    const parameters = input.lock?.shared
      ? []
      : await publishNetworkParameters(
          clients,
          { network: request.network.name, vpcId, privateSubnetIds, securityGroupId: network?.securityGroup?.groupId, natIds: egressNatIds(network) },
          execution.id,
          parameterLedger,
        );
    const ledger = [...networkEntries(collectLedger(input)), ...parameterLedger];
    const written = await recordMembership(registry, {
      owner: execution.id,
      ...(input.lock?.shared ? { sharedClaim: true } : {}),
      network: { ...readyNetworkOf(input, vpcId, privateSubnetIds), natTargetIds, ledger },
      member: newMemberOf(input, original),
    });
    return {
      network: written.network.name,
      functionArn: written.membership.functionArn,
      networkState: 'ready',
      vpcId,
      natTargetIds,
      ledgerSize: written.network.ledger.length,
      parameters,
      ...(written.movedFrom ? { movedFrom: written.movedFrom } : {}),
      ...(written.egressIpsBefore ? { egressIpsBefore: written.egressIpsBefore } : {}),
    };
  });
}

type OriginalFunction = NonNullable<NonNullable<RecordMembershipInput['function']>['original']>;

/** What the task cannot record without: the slices of the tasks before it. */
function requiredFacts(input: RecordMembershipInput): { original: OriginalFunction; vpcId: string; privateSubnetIds: string[] } {
  const original = input.function?.original;
  const vpcId = input.request.network.vpcId ?? input.network?.vpc?.vpcId;
  const privateSubnetIds = input.network?.subnets?.privateSubnetIds ?? [];
  const missing = [!original && '$.function.original (RecordFunction)', !vpcId && '$.network.vpc.vpcId (EnsureVpc)', privateSubnetIds.length === 0 && '$.network.subnets.privateSubnetIds (EnsureSubnets)'].filter(Boolean);
  if (!original || !vpcId || missing.length > 0) throw new Error(`RecordMembership needs ${missing.join(', ')} in its input: the state machine must run it after AttachFunction`);
  return { original, vpcId, privateSubnetIds };
}

/** The network record's settings from the request and the network's slices (its NATs and ledger apart). */
function readyNetworkOf(input: RecordMembershipInput, vpcId: string, privateSubnetIds: string[]): Omit<MembershipWrite['network'], 'natTargetIds' | 'ledger'> {
  const { request, network } = input;
  return {
    name: request.network.name,
    mode: request.network.mode,
    vpcId,
    azs: request.network.azs,
    natGatewayMode: request.network.natGateways,
    privateSubnetIds,
    ...(network?.securityGroup?.groupId ? { securityGroupId: network.securityGroup.groupId } : {}),
    ...(request.network.deleteWhenUnused ? { deleteWhenUnused: true } : {}),
    ...(request.network.keepEgressIps ? { keepEgressIps: true } : {}),
    egressIps: [...new Set((input.natCheck?.gateways ?? []).flatMap((gateway) => (gateway.addresses ?? []).map((address) => address.publicIp)))].sort(),
    ...(request.network.allowedFunctions ? { allowedFunctions: request.network.allowedFunctions } : {}),
    // What a join inherits (functions/validate/network-settings.ts); ValidateRequest refused any join stating others.
    ...(request.network.natInstanceType ? { natInstanceType: request.network.natInstanceType } : {}),
    ipv6: request.network.ipv6,
    s3Endpoint: request.network.s3Endpoint,
    alarms: request.network.alarms,
  };
}

/** The member item: the function's configuration before this execution changed it. */
function newMemberOf(input: RecordMembershipInput, original: OriginalFunction): MembershipWrite['member'] {
  return {
    functionArn: original.functionArn,
    functionName: original.functionName,
    originalVpcConfig: original.vpcConfig,
    vpcAccessPolicyAttachedBefore: original.vpcAccessPolicyAttached,
    // Recorded before DetachVpcAccessPolicy puts it, so a release never misses one it put (deleting one never put is a no-op).
    ...(input.request.keepNarrowEniPolicy ? { narrowEniPolicy: narrowEniPolicyName(input.request.network.name) } : {}),
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
  };
}

const { dynamodb, ...clients } = createClients({ dynamodb: DynamoDBClient, ssm: SSMClient, ec2: EC2Client });
// Read at cold start: a function deployed without its table fails to load (functions/shared/environment.ts).
const registry: Registry = { dynamodb, tableName: registryTableName() };
export const handler = taskHandler('RecordMembership', (input: RecordMembershipInput) => recordMembershipOfExecution(registry, clients, input));
