import type { NatTargetKind } from './nat-mode';

/**
 * What a private default route targets, per kind of NAT. The state, the registry record and the result name
 * it `natTargetId` (`natTargetIds`); code reads its kind through `natTargetOf` instead of testing its prefix
 * in place. The id's prefix is how AWS names the resource
 * type (nat- a NAT gateway, eni- a network interface), the one thing a route target id tells about itself
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Route.html).
 */
interface NatTarget {
  readonly kind: NatTargetKind;
  /** Whether a route target id is a NAT of this kind. */
  owns(id: string): boolean;
  /** The target half of CreateRoute/ReplaceRoute for this NAT (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html). */
  route(natTargetId: string): { readonly NatGatewayId: string } | { readonly NetworkInterfaceId: string };
  /**
   * Whether an existing default route to `natTargetId` is one EnsureRouteTables keeps: any NAT gateway (it
   * forwards, whoever made it); a network interface only when it is one of this network's NAT instances (`ours`).
   */
  keepsRoute(natTargetId: string, ours: readonly string[]): boolean;
}

const natGateway: NatTarget = {
  kind: 'nat-gateway',
  owns: (id) => id.startsWith('nat-'),
  route: (natTargetId) => ({ NatGatewayId: natTargetId }),
  keepsRoute: () => true,
};

const natInstance: NatTarget = {
  kind: 'nat-instance',
  owns: (id) => id.startsWith('eni-'),
  route: (natTargetId) => ({ NetworkInterfaceId: natTargetId }),
  keepsRoute: (natTargetId, ours) => ours.includes(natTargetId),
};

export const NAT_TARGETS: Readonly<Record<NatTargetKind, NatTarget>> = { 'nat-gateway': natGateway, 'nat-instance': natInstance };

/** The kind of NAT a route target id names, or undefined when it is no NAT (igw-, tgw-, pcx-, vpce-...). */
export function natTargetOf(id: string | undefined): NatTarget | undefined {
  return id === undefined ? undefined : Object.values(NAT_TARGETS).find((target) => target.owns(id));
}

/** A NAT instance's fixed ENI is what its routes target, where a NAT gateway id is found otherwise. */
export function isNatInstanceTarget(id: string | undefined): boolean {
  return natTargetOf(id)?.kind === 'nat-instance';
}
