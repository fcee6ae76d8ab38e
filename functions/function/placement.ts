import { InvalidRequest } from '../shared/errors';
import type { NormalizedRequest } from '../shared/types';
import type { FunctionVpcConfig, SubnetsSliceView } from './types';

/** What the placement is computed from: the request and the network slices EnsureSubnets/EnsureSecurityGroup return. */
export interface PlacementInput {
  readonly request: Pick<NormalizedRequest, 'network' | 'keepSecurityGroupIds'>;
  readonly network?: {
    readonly subnets?: SubnetsSliceView;
    readonly securityGroup?: { readonly groupId?: string };
  };
}

/**
 * The VpcConfig the target function will get: the network's private subnets, its egress security group, and
 * the request's IPv6 flag. One computation for the four tasks that must agree on it — AttachVpcAccessPolicy
 * (does the function move at all?), EnsureProbeFunction (the probe sits on exactly this subnet + group
 * combination, so Lambda's Hyperplane ENIs for it exist before the target moves), RunProbe (proves it) and
 * AttachFunction (applies it).
 */
export function targetPlacement(input: PlacementInput): FunctionVpcConfig {
  const subnetIds = privateSubnetIds(input);
  const groupId = input.network?.securityGroup?.groupId;
  if (!groupId) throw new Error('network.securityGroup.groupId is missing: EnsureSecurityGroup must run first');
  // A function already in an existing VPC keeps its own groups beside the egress group (ValidateRequest found them).
  const kept = (input.request.keepSecurityGroupIds ?? []).filter((id) => id !== groupId);
  return { subnetIds, securityGroupIds: [groupId, ...kept], ipv6AllowedForDualStack: input.request.network.ipv6 };
}

/** The private subnets of the network slice, each verified against the slice's own tier classification. */
function privateSubnetIds(input: PlacementInput): string[] {
  const slice = input.network?.subnets;
  const ids = slice?.privateSubnetIds ?? [];
  if (!slice || ids.length === 0) {
    throw new InvalidRequest('network.subnets.privateSubnetIds', 'there is no private subnet to attach the function to; the network needs one private subnet per AZ');
  }
  for (const id of ids) {
    const subnet = slice.subnets.find((candidate) => candidate.subnetId === id);
    const listedPublic = slice.publicSubnetIds?.includes(id) ?? false;
    if (subnet?.tier !== 'private' || listedPublic) {
      throw new InvalidRequest(
        'network.subnets.privateSubnetIds',
        `${id} is not a private subnet of this network (tier: ${listedPublic ? 'public' : (subnet?.tier ?? 'unknown')}); a Lambda function in a public subnet gets no internet access, so it is only ever attached to private subnets`,
        { subnetId: id },
      );
    }
  }
  return [...ids];
}

/** Same subnets, same groups (as sets), same IPv6 flag; two configurations outside any VPC are the same. */
export function sameVpcConfig(a: FunctionVpcConfig, b: FunctionVpcConfig): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && [...x].sort().join() === [...y].sort().join();
  if (a.subnetIds.length === 0 && b.subnetIds.length === 0) return true;
  return same(a.subnetIds, b.subnetIds) && same(a.securityGroupIds, b.securityGroupIds) && a.ipv6AllowedForDualStack === b.ipv6AllowedForDualStack;
}
