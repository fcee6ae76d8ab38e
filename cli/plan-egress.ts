import { DescribeAddressesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { EgressAddress } from '../functions/network/egress-address';
import { egressIpsOf } from '../functions/network/egress-ips';
import { natGatewaysOf } from '../functions/network/find-nat-gateway';
import { isGone } from '../functions/network/network-lookup';
import { MONTHLY_USD_PER_PUBLIC_IPV4 } from '../functions/shared/cost';
import type { NormalizedRequest } from '../functions/shared/types';
import type { Palette } from './io';
import { natModeOf } from '../functions/network/nat-modes';

/** One address a planned NAT would leave from, not known until provision runs (or the user's own). */
interface PlannedEgressAddress {
  /** `new`: allocated at run time; `yours`: network.eipAllocationIds; `kept`: kept by the network's teardown (keepEgressIps); `aws-managed`: a regional NAT gateway's, per AZ. */
  readonly source: 'new' | 'yours' | 'kept' | 'aws-managed';
  readonly publicIp?: string;
  readonly allocationId?: string;
}

/** `plan`'s egress IPs: those the network's NATs leave from now, those it would add, and what they cost a month. */
export interface EgressPlan {
  readonly existing: EgressAddress[];
  readonly added: PlannedEgressAddress[];
  /** Each public IPv4 address bills by the hour, associated or idle (https://aws.amazon.com/vpc/pricing/). */
  readonly monthlyUsdPerAddress: number;
  readonly monthlyUsd: number;
}

/**
 * The addresses provision would use: the live NATs' of the VPC (read as `egress-ips` reads them), and one per NAT
 * it would add: the user's own in order (network.eipAllocationIds), else a new one; a regional NAT gateway's are
 * AWS-managed, one per AZ. Read-only.
 */
export async function planEgressIps(ec2: EC2Client, request: NormalizedRequest, vpcId: string | undefined, natsAdded: number): Promise<EgressPlan> {
  const natIds = vpcId ? (await natGatewaysOf(ec2, vpcId)).filter((nat) => !isGone(nat.State) && nat.NatGatewayId).map((nat) => nat.NatGatewayId ?? '') : [];
  const existing = natIds.length > 0 ? (await egressIpsOf(ec2, { natIds })).addresses : [];
  const regional = natModeOf(request.network.natGateways).availability === 'regional';
  const count = regional ? (natsAdded > 0 ? request.network.azs.length : 0) : natsAdded;
  const own = (request.network.eipAllocationIds ?? []).filter((id) => !existing.some((address) => address.allocationId === id));
  const described = own.length > 0 ? ((await ec2.send(new DescribeAddressesCommand({ AllocationIds: own }))).Addresses ?? []) : [];
  // Addresses an earlier teardown kept for this name (ValidateRequest found them): taken again, not allocated.
  const kept = (request.network.keptEgressIps ?? []).filter((address) => !existing.some((used) => used.allocationId === address.allocationId));
  const added: PlannedEgressAddress[] = Array.from({ length: count }, (_, index): PlannedEgressAddress => {
    if (regional) return { source: 'aws-managed' };
    const mine = described.find((address) => address.AllocationId === own[index]);
    if (mine?.AllocationId) return { source: 'yours', allocationId: mine.AllocationId, ...(mine.PublicIp ? { publicIp: mine.PublicIp } : {}) };
    const keptOne = kept[index];
    return keptOne ? { source: 'kept', allocationId: keptOne.allocationId, publicIp: keptOne.publicIp } : { source: 'new' };
  });
  const total = existing.length + added.length;
  return { existing, added, monthlyUsdPerAddress: MONTHLY_USD_PER_PUBLIC_IPV4, monthlyUsd: Math.round(total * MONTHLY_USD_PER_PUBLIC_IPV4 * 100) / 100 };
}

export function formatEgressPlan(plan: EgressPlan, colors: Palette): string[] {
  const lines = [colors.bold(`Egress IPs (public IPv4, $${plan.monthlyUsdPerAddress.toFixed(2)} a month each, in the cost above):`)];
  lines.push(...plan.existing.map((address) => `  = ${address.publicIp} (${address.az}, ${address.natId})`));
  lines.push(
    ...plan.added.map((address) =>
      colors.green(
        `  + ${address.source === 'yours' ? `${address.publicIp ?? '?'} (yours: ${address.allocationId ?? '?'})` : address.source === 'kept' ? `${address.publicIp ?? '?'} (kept by the network's teardown: ${address.allocationId ?? '?'})` : address.source === 'aws-managed' ? 'AWS-managed address of the regional NAT gateway, known at run time' : 'new Elastic IP, allocated at run time'}`,
      ),
    ),
  );
  if (plan.existing.length + plan.added.length === 0) lines.push('  none');
  lines.push(`  ${plan.existing.length + plan.added.length} address(es): $${plan.monthlyUsd.toFixed(2)} a month.`);
  return lines;
}
