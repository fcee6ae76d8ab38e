import type { EnsureZonalNat } from './nat-mode';
import { ensureZonalNatGateway } from './ensure-zonal-nat-gateway';

/**
 * natGateways "regional": given a zonal placement only for an existing VPC's zonal NAT gateway the audit reuses;
 * the regional NAT gateway itself is the regional placement's, whatever the mode (ensure-nat-gateway.ts).
 */
export const ensureNat: EnsureZonalNat = ensureZonalNatGateway;
