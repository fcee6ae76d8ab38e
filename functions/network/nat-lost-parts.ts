import type { AwsClients } from '../shared/clients';
import type { LedgerEntry, NatGatewayMode } from '../shared/types';
import { discoverNatInstanceParts } from './nat-instance-lost-parts';

export type DiscoverLostParts = (clients: Pick<AwsClients, 'ec2' | 'autoscaling'>, executionId: string) => Promise<LedgerEntry[]>;

const nothingMore: DiscoverLostParts = async () => [];

/**
 * Rollback's half of each mode (its calls are Rollback's grants alone): what a failed EnsureNatGateway of this
 * mode may have created without its ledger entry reaching the state, found by the execution's tag. NAT gateways
 * and Elastic IPs are found for every mode by Rollback's own discovery (undo/discover.ts); a NAT instance's Auto
 * Scaling group, launch template and fixed ENI only here. The undo of each resource kind is the undo engine's
 * (undo/undo-nat-instance.ts for the NAT instance's kinds).
 */
export const NAT_LOST_PARTS: Readonly<Record<NatGatewayMode, DiscoverLostParts>> = {
  'per-az': nothingMore,
  single: nothingMore,
  regional: nothingMore,
  instance: discoverNatInstanceParts,
};

/** The mode's discovery for a state's `natGateways` (a string where the state is read loosely); nothing for none. */
export function lostPartsOf(mode: string | undefined): DiscoverLostParts {
  return mode !== undefined && Object.hasOwn(NAT_LOST_PARTS, mode) ? NAT_LOST_PARTS[mode as NatGatewayMode] : nothingMore;
}
