import { CreateVpcEndpointCommand, DescribeRouteTablesCommand, EC2Client, ModifyVpcEndpointCommand } from '@aws-sdk/client-ec2';
import { createClients, type AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { createdBy, tagSpecifications } from '../shared/tags';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import { findS3Endpoint, s3ServiceName } from './find-s3-endpoint';
import { isOfNetwork, required, ROLE, tagsFor } from './network-lookup';
import type { NetworkTaskInput, S3EndpointSlice } from './types';

/**
 * EnsureS3Endpoint: a gateway endpoint for S3 (free; S3 traffic then skips the NAT's per-GB charge) on the
 * private route tables lambda-egress manages. An endpoint already in the VPC is reused; route tables are added
 * to it only when lambda-egress created it. Route tables lambda-egress did not create are never given one
 * (in existing mode that can mean no endpoint at all: `skipped` says why).
 */
export async function ensureS3Endpoint(clients: Pick<AwsClients, 'ec2'>, input: NetworkTaskInput): Promise<S3EndpointSlice> {
  const { ec2 } = clients;
  const network = input.request.network;
  if (!network.s3Endpoint) return { ledger: [], skipped: 'network.s3Endpoint is false' };
  const vpcId = required(input.network?.vpc, 'network.vpc', 'EnsureVpc').vpcId;
  const routeTables = required(input.network?.routeTables, 'network.routeTables', 'EnsureRouteTables');
  const tableIds = await ownRouteTables(ec2, [...new Set(routeTables.privateRouteTables.map((table) => table.routeTableId))], network.name);
  const serviceName = await s3ServiceName(ec2);
  const ledger: LedgerEntry[] = [];

  const found = await findS3Endpoint(ec2, vpcId, serviceName, network.name, input.execution.id);
  if (found?.VpcEndpointId) {
    const vpcEndpointId = found.VpcEndpointId;
    if (createdBy(found.Tags, input.execution.id)) ledger.push(ledgerEntry('vpc-endpoint', vpcEndpointId, { detail: { vpcId, serviceName } }));
    if (!isOfNetwork(found.Tags, network.name)) {
      return { vpcEndpointId, ledger, skipped: `${vpcEndpointId} was not created by lambda-egress: used as it is, its route tables unchanged` };
    }
    const missing = tableIds.filter((id) => !(found.RouteTableIds ?? []).includes(id));
    if (missing.length > 0) await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: vpcEndpointId, AddRouteTableIds: missing }));
    return { vpcEndpointId, ledger };
  }
  if (tableIds.length === 0) return { ledger, skipped: 'no private route table of lambda-egress to put it on (the private subnets keep the route tables they had)' };
  const created = await ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: vpcId,
      VpcEndpointType: 'Gateway',
      ServiceName: serviceName,
      RouteTableIds: tableIds,
      TagSpecifications: tagSpecifications('vpc-endpoint', tagsFor(input, ROLE.s3Endpoint, 's3')),
    }),
  );
  const vpcEndpointId = required(created.VpcEndpoint?.VpcEndpointId, 'CreateVpcEndpoint VpcEndpointId', 'CreateVpcEndpoint');
  ledger.push(ledgerEntry('vpc-endpoint', vpcEndpointId, { detail: { vpcId, serviceName } }));
  return { vpcEndpointId, ledger };
}

/** Only route tables this network's lambda-egress tasks created (tags): anyone else's are left alone. */
async function ownRouteTables(ec2: EC2Client, ids: string[], networkName: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const described = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ids }));
  const own = new Set((described.RouteTables ?? []).filter((table) => isOfNetwork(table.Tags, networkName)).map((table) => table.RouteTableId));
  return ids.filter((id) => own.has(id));
}

const clients = createClients({ ec2: EC2Client });
export const handler = taskHandler('EnsureS3Endpoint', (input: NetworkTaskInput) => ensureS3Endpoint(clients, input));
