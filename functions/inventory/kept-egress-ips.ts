import type { EC2Client } from '@aws-sdk/client-ec2';
import { keptAddressesOf } from '../network/kept-egress-ip-preflight';
import { MONTHLY_USD_PER_PUBLIC_IPV4 } from '../shared/cost';

/** An Elastic IP a teardown kept for a network's name (network.keepEgressIps) that no NAT uses now: paid, idle. */
export interface IdleKeptAddress {
  readonly network: string;
  readonly publicIp: string;
  readonly allocationId: string;
  readonly az: string;
  /** A public IPv4 address costs the same whether used or idle (https://aws.amazon.com/vpc/pricing/). */
  readonly monthlyUsd: number;
  /** What lets it go, when nobody allow-lists it any more. */
  readonly releaseCommand: string;
}

/**
 * The kept addresses no NAT uses (those a rebuilt network took again are its egress IPs), so none is forgotten:
 * each with its cost and the command that releases it. Read-only.
 */
export async function idleKeptAddresses(ec2: EC2Client): Promise<IdleKeptAddress[]> {
  const kept = await keptAddressesOf(ec2);
  return kept
    .filter((address) => !address.associatedWith)
    .map((address) => ({
      network: address.network,
      publicIp: address.publicIp,
      allocationId: address.allocationId,
      az: address.az,
      monthlyUsd: MONTHLY_USD_PER_PUBLIC_IPV4,
      releaseCommand: `aws ec2 release-address --allocation-id ${address.allocationId}`,
    }))
    .sort((a, b) => a.network.localeCompare(b.network) || a.az.localeCompare(b.az) || a.publicIp.localeCompare(b.publicIp));
}
