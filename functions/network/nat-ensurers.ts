import type { AwsClients } from '../shared/clients';
import type { NatGatewayMode } from '../shared/types';
import type { EnsureNatGatewayInput, NatGatewaySlice, ZonalNatPlacement } from './types';
import { ensureNatInstance } from './ensure-nat-instance';
import { ensureZonalNatGateway } from './ensure-zonal-nat-gateway';

export type NatEnsureClients = Pick<AwsClients, 'ec2' | 'cloudwatch' | 'autoscaling'>;
export type EnsureZonalNat = (clients: NatEnsureClients, input: EnsureNatGatewayInput, placement: ZonalNatPlacement) => Promise<NatGatewaySlice>;

/**
 * EnsureNatGateway's half of each mode (its calls are EnsureNatGateway's grants alone): what the mode puts in a
 * public subnet placement, found or created. The regional placement is the regional NAT gateway's whatever the
 * mode (ensure-regional-nat-gateway.ts: an existing VPC's usable one is reused under any mode), so "regional" is
 * given a zonal placement only for an existing VPC's zonal NAT gateway the audit reuses.
 */
export const NAT_ENSURERS: Readonly<Record<NatGatewayMode, EnsureZonalNat>> = {
  'per-az': ensureZonalNatGateway,
  single: ensureZonalNatGateway,
  regional: ensureZonalNatGateway,
  instance: ensureNatInstance,
};
