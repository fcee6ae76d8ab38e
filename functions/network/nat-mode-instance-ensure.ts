import type { EnsureZonalNat } from './nat-mode';
import { ensureNatInstance } from './ensure-nat-instance';

/** natGateways "instance": the NAT instance of the placement's public subnet (its fixed ENI, group, template), found or created. */
export const ensureNat: EnsureZonalNat = ensureNatInstance;
