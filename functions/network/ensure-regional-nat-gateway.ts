import { createHash } from 'node:crypto';
import { CreateNatGatewayCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../shared/clients';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { createdBy, tagSpecifications } from '../shared/tags';
import type { LedgerEntry } from '../shared/types';
import { natGatewaysOf, pickRegionalNatGateway } from './find-nat-gateway';
import { isOfNetwork, ROLE, tagsFor } from './network-lookup';
import { REGIONAL, type EnsureNatGatewayInput, type NatGatewaySlice } from './types';

/**
 * EnsureNatGateway for natGateways "regional": one regional NAT gateway for the whole VPC. Found among the VPC's
 * (any usable one in existing mode, only this network's in create mode), or created with AvailabilityMode=regional
 * and VpcId, no subnet (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html).
 * Addresses: AWS-managed (no AvailabilityZoneAddresses: "automatic mode"), so AWS adds an AZ's addresses when
 * the VPC gets a subnet there and removes them when it has none (autoProvisionZones, API_NatGateway.html;
 * https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html): lambda-egress allocates no
 * Elastic IP for it, and an AZ added to the network later needs no new NAT gateway.
 */
export async function ensureRegionalNatGateway(
  clients: Pick<AwsClients, 'ec2'>,
  input: EnsureNatGatewayInput,
  alarmsFor: (natGatewayId: string) => Promise<LedgerEntry[]>,
): Promise<NatGatewaySlice> {
  const { ec2 } = clients;
  const vpcId = input.network.vpc.vpcId;
  const executionId = input.execution.id;
  const network = input.request.network;
  const ledger: LedgerEntry[] = [];
  const slice = (natGatewayId: string): NatGatewaySlice => ({ az: REGIONAL, natTargetId: natGatewayId, availabilityMode: REGIONAL, ledger });

  const found = pickRegionalNatGateway(await natGatewaysOf(ec2, vpcId), { network, executionId });
  if (found?.NatGatewayId) {
    if (createdBy(found.Tags, executionId)) ledger.push(ledgerEntry('nat-gateway', found.NatGatewayId, { detail: { vpcId, availabilityMode: REGIONAL } }));
    logger.info('regional NAT gateway found', { natGatewayId: found.NatGatewayId, state: found.State });
    if (isOfNetwork(found.Tags, network.name)) ledger.push(...(await alarmsFor(found.NatGatewayId)));
    return slice(found.NatGatewayId);
  }

  const created = await ec2.send(
    new CreateNatGatewayCommand({
      VpcId: vpcId,
      AvailabilityMode: REGIONAL,
      ConnectivityType: 'public',
      // Idempotency on AWS for a retried call (the tag lookup above covers an emulator that ignores it).
      ClientToken: createHash('sha256').update(`${executionId}|${vpcId}|regional`).digest('hex').slice(0, 64),
      TagSpecifications: tagSpecifications('natgateway', tagsFor(input, ROLE.natGateway, 'nat-regional')),
    }),
  );
  const natGatewayId = created.NatGateway?.NatGatewayId;
  if (!natGatewayId) throw new Error(`CreateNatGateway (regional) in ${vpcId} returned no NatGatewayId`);
  ledger.push(ledgerEntry('nat-gateway', natGatewayId, { detail: { vpcId, availabilityMode: REGIONAL } }));
  logger.info('regional NAT gateway created', { natGatewayId, vpcId });
  ledger.push(...(await alarmsFor(natGatewayId)));
  return slice(natGatewayId);
}
