import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createClients } from '../shared/clients';
import { taskHandler } from '../shared/task-handler';
import { alarmsIfRequested } from './nat-alarms-if-requested';
import { ensureRegionalNatGateway } from './ensure-regional-nat-gateway';
import { NAT_ENSURERS, type NatEnsureClients } from './nat-ensurers';
import { isRegionalPlacement, type EnsureNatGatewayInput, type NatGatewaySlice } from './types';

/**
 * EnsureNatGateway (one Map iteration per placement): the NAT of one placement, found or created by the
 * request's NAT mode (nat-ensurers.ts). The regional placement is the regional NAT gateway's
 * (ensure-regional-nat-gateway.ts); an existing VPC's own NAT instance the audit found usable is used
 * as it is, whatever the mode.
 */
export async function ensureNatGateway(clients: NatEnsureClients, input: EnsureNatGatewayInput): Promise<NatGatewaySlice> {
  const { placement } = input;
  if (isRegionalPlacement(placement)) return ensureRegionalNatGateway(clients, input, (natGatewayId) => alarmsIfRequested(clients, input, natGatewayId));
  if (placement.natInstanceEniId) return { az: placement.az, natTargetId: placement.natInstanceEniId, subnetId: placement.subnetId, ledger: [] };
  return NAT_ENSURERS[input.request.network.natGateways](clients, input, placement);
}

const clients = createClients({ ec2: EC2Client, cloudwatch: CloudWatchClient, autoscaling: AutoScalingClient });
export const handler = taskHandler('EnsureNatGateway', (input: EnsureNatGatewayInput) => ensureNatGateway(clients, input));
