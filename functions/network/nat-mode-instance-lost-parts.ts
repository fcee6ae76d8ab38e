import type { DiscoverLostParts } from './nat-mode';
import { discoverNatInstanceParts } from './nat-instance-lost-parts';

/** natGateways "instance": a NAT instance's Auto Scaling group, launch template and fixed ENI, found by the execution's tag. */
export const discoverLostParts: DiscoverLostParts = discoverNatInstanceParts;
