import type { EnsureZonalNat } from './nat-mode';
import { ensureZonalNatGateway } from './ensure-zonal-nat-gateway';

/** natGateways "single": a zonal NAT gateway with its Elastic IP in the placement's public subnet, found or created. */
export const ensureNat: EnsureZonalNat = ensureZonalNatGateway;
