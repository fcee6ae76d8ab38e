import type { DiscoverLostParts } from './nat-mode';

/**
 * natGateways "regional": nothing beyond Rollback's own discovery, which finds the NAT gateways and Elastic IPs an
 * execution tagged for every mode (undo/discover.ts).
 */
export const discoverLostParts: DiscoverLostParts = async () => [];
