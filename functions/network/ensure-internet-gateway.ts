import {
  AttachInternetGatewayCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateInternetGatewayCommand,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeInternetGateways,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { allPages } from '../shared/paginate';
import { createdBy, TAG_EXECUTION, tagSpecifications } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import { findAttachedInternetGateway } from './find-internet-gateway';
import { isOfNetwork, required, ROLE, tagsFor } from './network-lookup';
import type { InternetGatewaySlice, NetworkTaskInput } from './types';

/**
 * EnsureInternetGateway: the VPC's attached internet gateway, or a new one created and attached; with IPv6,
 * the VPC's egress-only internet gateway too. A VPC has at most one IGW, so whatever is attached is used
 * (and ledgered only when this execution created it).
 */
export async function ensureInternetGateway(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<InternetGatewaySlice> {
  const { ec2 } = clients;
  const vpcId = required(input.network?.vpc, 'network.vpc', 'EnsureVpc').vpcId;
  const ledger: LedgerEntry[] = [];
  const internetGatewayId = await ensureAttachedInternetGateway(ec2, input, vpcId, ledger);
  const egressOnlyInternetGatewayId = input.request.network.ipv6 ? await ensureEgressOnlyGateway(ec2, input, vpcId, ledger) : undefined;
  return { internetGatewayId, ...(egressOnlyInternetGatewayId ? { egressOnlyInternetGatewayId } : {}), ledger };
}

async function ensureAttachedInternetGateway(ec2: EC2Client, input: NetworkTaskInput, vpcId: string, ledger: LedgerEntry[]): Promise<string> {
  const found = await findAttachedInternetGateway(ec2, vpcId);
  if (found?.InternetGatewayId) {
    if (createdBy(found.Tags, input.execution.id)) ledger.push(ledgerEntry('internet-gateway', found.InternetGatewayId, { detail: { vpcId } }));
    return found.InternetGatewayId;
  }
  // A retry after CreateInternetGateway succeeded but AttachInternetGateway did not: adopt that gateway.
  const ours = await allPages(paginateDescribeInternetGateways({ client: ec2 }, { Filters: [{ Name: `tag:${TAG_EXECUTION}`, Values: [input.execution.id] }] }), (page) => page.InternetGateways);
  const detached = ours.find(
    (igw) => createdBy(igw.Tags, input.execution.id) && isOfNetwork(igw.Tags, input.request.network.name, ROLE.internetGateway) && (igw.Attachments ?? []).length === 0,
  );
  const internetGatewayId =
    detached?.InternetGatewayId ??
    required(
      (await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: tagSpecifications('internet-gateway', tagsFor(input, ROLE.internetGateway)) }))).InternetGateway
        ?.InternetGatewayId,
      'CreateInternetGateway response InternetGatewayId',
      'CreateInternetGateway',
    );
  ledger.push(ledgerEntry('internet-gateway', internetGatewayId, { detail: { vpcId } }));
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: internetGatewayId, VpcId: vpcId }));
  return internetGatewayId;
}

/** DescribeEgressOnlyInternetGateways has no VPC filter (and moto ignores its tag filters): matched here. */
async function ensureEgressOnlyGateway(ec2: EC2Client, input: NetworkTaskInput, vpcId: string, ledger: LedgerEntry[]): Promise<string> {
  const all = await allPages(paginateDescribeEgressOnlyInternetGateways({ client: ec2 }, {}), (page) => page.EgressOnlyInternetGateways);
  const inVpc = all.filter((eigw) => eigw.Attachments?.some((attachment) => attachment.VpcId === vpcId && attachment.State !== 'detached'));
  const found = inVpc.find((eigw) => createdBy(eigw.Tags, input.execution.id)) ?? inVpc.find((eigw) => isOfNetwork(eigw.Tags, input.request.network.name)) ?? inVpc[0];
  if (found?.EgressOnlyInternetGatewayId) {
    if (createdBy(found.Tags, input.execution.id)) ledger.push(ledgerEntry('egress-only-internet-gateway', found.EgressOnlyInternetGatewayId, { detail: { vpcId } }));
    return found.EgressOnlyInternetGatewayId;
  }
  const created = await ec2.send(
    new CreateEgressOnlyInternetGatewayCommand({
      VpcId: vpcId,
      TagSpecifications: tagSpecifications('egress-only-internet-gateway', tagsFor(input, ROLE.egressOnlyInternetGateway)),
    }),
  );
  const id = required(created.EgressOnlyInternetGateway?.EgressOnlyInternetGatewayId, 'CreateEgressOnlyInternetGateway response id', 'CreateEgressOnlyInternetGateway');
  ledger.push(ledgerEntry('egress-only-internet-gateway', id, { detail: { vpcId } }));
  return id;
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('EnsureInternetGateway', (input: NetworkTaskInput) => ensureInternetGateway(clients, input));
