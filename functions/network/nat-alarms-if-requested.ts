import type { AwsClients } from '../shared/clients';
import type { LedgerEntry } from '../shared/types';
import { ensureNatAlarms } from './ensure-nat-alarms';
import type { EnsureNatGatewayInput } from './types';

/** network.alarms: the two CloudWatch alarms of a NAT gateway of this network's (ensure-nat-alarms.ts); none asked, none made. */
export async function alarmsIfRequested(clients: Pick<AwsClients, 'cloudwatch'>, input: EnsureNatGatewayInput, natGatewayId: string): Promise<LedgerEntry[]> {
  if (!input.request.network.alarms) return [];
  return ensureNatAlarms(clients.cloudwatch, { networkName: input.request.network.name, executionId: input.execution.id, natGatewayId, az: input.placement.az });
}
