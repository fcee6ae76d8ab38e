import { createHash } from 'node:crypto';
import { AllocateAddressCommand, CreateNatGatewayCommand, DescribeAddressesCommand, type Address, type EC2Client } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../shared/clients';
import { isNotFound } from '../shared/errors';
import { KEPT_FOR } from '../shared/kept-egress-ips';
import { BORROWED, ledgerEntry } from '../shared/ledger';
import { keepingLedgerOnError } from '../shared/ledger-on-error';
import { logger } from '../shared/logger';
import { createdBy, TAG_EXECUTION, tagSpecifications, tagValue, TAG_ROLE } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import { borrowedAllocationFor } from './egress-ip-preflight';
import { keptAllocationFor } from './kept-egress-ip-preflight';
import { findNatGateway } from './find-nat-gateway';
import { isOfNetwork, ROLE, tagsFor } from './network-lookup';
import type { EnsureNatGatewayInput, NatGatewaySlice, ZonalNatPlacement } from './types';
import { alarmsIfRequested } from './nat-alarms-if-requested';

/**
 * EnsureNatGateway for natGateways "per-az" and "single" (and an existing VPC's zonal NAT gateway the audit
 * reuses under any mode): a NAT gateway in the placement's public subnet. An existing one that is not deleted or
 * failed is reused — any in existing mode, only this network's in create mode; otherwise an Elastic IP is
 * allocated and a public NAT gateway created, both tagged and ledgered. With `network.alarms`, a NAT gateway of
 * lambda-egress's (this network's, created by any execution) gets its two CloudWatch alarms; a VPC's own NAT
 * gateway gets none: it is the owner's to watch. AddressLimitExceeded and every other AWS error are thrown
 * unchanged: the state machine decides.
 */
export async function ensureZonalNatGateway(clients: Pick<AwsClients, 'ec2' | 'cloudwatch'>, input: EnsureNatGatewayInput, placement: ZonalNatPlacement): Promise<NatGatewaySlice> {
  const { ec2 } = clients;
  const { az, subnetId } = placement;
  const vpcId = input.network.vpc.vpcId;
  const executionId = input.execution.id;
  const ledger: LedgerEntry[] = [];

  const found = await findNatGateway(ec2, vpcId, { subnetId, network: input.request.network, executionId });
  if (found?.NatGatewayId) {
    const allocationId = found.NatGatewayAddresses?.find((address) => address.AllocationId)?.AllocationId;
    if (createdBy(found.Tags, executionId)) {
      // A retry of this execution: its EIP (if it still carries our tags) and NAT go to the ledger again.
      const address = allocationId ? await addressById(ec2, allocationId) : undefined;
      if (address?.AllocationId && createdBy(address.Tags, executionId)) ledger.push(ledgerEntry('elastic-ip', address.AllocationId, { az, detail: { subnetId } }));
      // An address a teardown kept, taken again: ledgered as such, so the network's teardown knows it again.
      else if (allocationId && allocationId === keptAllocationFor(input.request.network, az)) ledger.push(keptEntry(input, allocationId, az, subnetId));
      ledger.push(ledgerEntry('nat-gateway', found.NatGatewayId, { az, detail: { subnetId, vpcId, ...(allocationId ? { allocationId } : {}) } }));
    }
    logger.info('NAT gateway found', { natGatewayId: found.NatGatewayId, az, state: found.State });
    if (isOfNetwork(found.Tags, input.request.network.name)) ledger.push(...(await alarmsIfRequested(clients, input, found.NatGatewayId)));
    return { az, natTargetId: found.NatGatewayId, ...(allocationId ? { allocationId } : {}), subnetId, ledger };
  }

  // The EIP is billed from here on: should the NAT's creation fail, its entry goes with the error to Rollback.
  return keepingLedgerOnError(ledger, () => createZonalNatGateway(clients, input, placement, ledger));
}

async function createZonalNatGateway(clients: Pick<AwsClients, 'ec2' | 'cloudwatch'>, input: EnsureNatGatewayInput, placement: ZonalNatPlacement, ledger: LedgerEntry[]): Promise<NatGatewaySlice> {
  const { ec2 } = clients;
  const { az, subnetId } = placement;
  const vpcId = input.network.vpc.vpcId;
  const executionId = input.execution.id;
  // The user's own address when the request brought one (checked by ValidateRequest): recorded as borrowed, never released.
  const borrowed = borrowedAllocationFor(input.request.network, az);
  // An address an earlier teardown kept for this network's name (keepEgressIps): this execution did not
  // allocate it, so its rollback keeps it (KEPT_FOR); the network's own teardown decides again.
  const kept = borrowed ? undefined : keptAllocationFor(input.request.network, az);
  const allocationId = borrowed ?? kept ?? (await ensureElasticIp(ec2, input));
  ledger.push(kept ? keptEntry(input, kept, az, subnetId) : ledgerEntry('elastic-ip', allocationId, { az, detail: { subnetId, ...(borrowed ? { [BORROWED]: 'true' } : {}) } }));
  const created = await ec2.send(
    new CreateNatGatewayCommand({
      SubnetId: subnetId,
      AllocationId: allocationId,
      ConnectivityType: 'public',
      // A retry whose first CreateNatGateway succeeded but whose NAT the filtered find above missed (eventual
      // consistency) sends the same token with the same EIP: AWS answers with the first NAT, never a second
      // (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html). The EIP is part of the
      // token, so a token is never reused with another EIP (IdempotentParameterMismatch).
      ClientToken: clientToken(executionId, subnetId, allocationId),
      TagSpecifications: tagSpecifications('natgateway', tagsFor(input, ROLE.natGateway, `nat-${az}`)),
    }),
  );
  const natGatewayId = created.NatGateway?.NatGatewayId;
  if (!natGatewayId) throw new Error(`CreateNatGateway in ${subnetId} returned no NatGatewayId`);
  ledger.push(ledgerEntry('nat-gateway', natGatewayId, { az, detail: { subnetId, vpcId, allocationId } }));
  logger.info('NAT gateway created', { natGatewayId, az });
  ledger.push(...(await alarmsIfRequested(clients, input, natGatewayId)));
  return { az, natTargetId: natGatewayId, allocationId, subnetId, ledger };
}

function keptEntry(input: EnsureNatGatewayInput, allocationId: string, az: string, subnetId: string): LedgerEntry {
  return ledgerEntry('elastic-ip', allocationId, { az, detail: { subnetId, [KEPT_FOR]: input.request.network.name } });
}

/**
 * The EIP for a new NAT: the one this execution allocated for this placement before (a retry after
 * AllocateAddress succeeded), or a new one. Taken even when already associated: then the first CreateNatGateway
 * succeeded and its NAT was not listed yet, and the same EIP with the same client token gets that NAT back.
 */
async function ensureElasticIp(ec2: EC2Client, input: EnsureNatGatewayInput): Promise<string> {
  const described = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: `tag:${TAG_EXECUTION}`, Values: [input.execution.id] }] }));
  const spare = (described.Addresses ?? []).find(
    (address) =>
      createdBy(address.Tags, input.execution.id) &&
      tagValue(address.Tags, TAG_ROLE) === ROLE.natEip &&
      tagValue(address.Tags, 'Name') === tagsFor(input, ROLE.natEip, `nat-eip-${input.placement.az}`).name,
  );
  if (spare?.AllocationId) return spare.AllocationId;
  const allocated = await ec2.send(
    new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpecifications('elastic-ip', tagsFor(input, ROLE.natEip, `nat-eip-${input.placement.az}`)) }),
  );
  if (!allocated.AllocationId) throw new Error('AllocateAddress returned no AllocationId');
  return allocated.AllocationId;
}

async function addressById(ec2: EC2Client, allocationId: string): Promise<Address | undefined> {
  try {
    const described = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    return described.Addresses?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Stable per execution and subnet, at most 64 ASCII characters as AWS requires. */
function clientToken(executionId: string, subnetId: string, allocationId: string): string {
  return createHash('sha256').update(`${executionId}|${subnetId}|${allocationId}`).digest('hex').slice(0, 64);
}
