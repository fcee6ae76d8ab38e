import type { NatPlan } from './types';
import type { AuditNatContext, NatMode } from './nat-mode';
import { cents, natGatewayLines, zonalGatewaysCost } from './nat-cost-lines';

/** natGateways "single": one zonal NAT gateway with an Elastic IP, in the first AZ's public subnet, shared by every AZ. */
export const natMode: NatMode = {
  name: 'single',
  target: 'nat-gateway',
  noun: 'NAT gateway',
  placements: (publicPlacements) => publicPlacements.slice(0, 1),
  availability: 'zonal',
  servesAllAzs: true,
  needsPublicSubnets: true,
  natCount: () => 1,
  elasticIps: () => 1,
  elasticIpsWhy: () => 'one NAT gateway',
  // One NAT gateway the VPC has already serves every AZ: none is created then.
  natGatewaysToCreate: (azs, reused) => (reused.any ? [] : azs.slice(0, 1).filter((az) => !reused.inAz(az))),
  launchesInstances: false,
  auditNats: sharedNat,
  describeCreate: ({ azs }) => `1 NAT gateway with an Elastic IP, in the public subnet of ${azs[0]}, shared by every AZ`,
  routeTo: 'the NAT gateway',
  costLines: ({ azs, gbPerMonth }, prices) => {
    const lines = natGatewayLines(1, gbPerMonth, prices);
    if (azs <= 1) return lines;
    // The other AZs' traffic crosses to the NAT's AZ, billed both ways (https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer_within_the_same_AWS_Region).
    const crossing = (gbPerMonth * (azs - 1)) / azs;
    return [...lines, { item: 'Cross-AZ data to the NAT', quantity: `${cents(crossing)} GB × $${prices.crossAzPerGb}`, monthlyUsd: cents(crossing * prices.crossAzPerGb) }];
  },
  runningCost: ({ count, gbPerMonth }, prices) => zonalGatewaysCost(count, gbPerMonth, prices),
  facts: { resilience: "the NAT gateway's AZ down: no egress in any AZ", bandwidth: '5 Gbps scaling to 100 Gbps in all', choose: 'dev/test, light traffic, when one AZ may take all down' },
};

/**
 * The audit's one NAT: the usable one an AZ already routes to, else any usable one of the VPC, else a new one in
 * the first AZ needing a NAT that has (room for) a public subnet; the AZs of other public subnets use it.
 */
function sharedNat(needsNat: readonly string[], vpc: AuditNatContext): Array<readonly [string, NatPlan]> {
  const known = [...vpc.known.values()];
  const shared =
    vpc.natGateways.find((nat) => nat.usable && known.some((plan) => plan.placement === 'existing' && plan.natTargetId === nat.natTargetId)) ??
    vpc.natGateways.find((nat) => nat.usable);
  let host: { az: string; nat: NatPlan } | undefined = shared ? { az: shared.az, nat: vpc.existingNat(shared) } : undefined;
  return needsNat.map((az) => {
    if (!host) {
      const nat = vpc.newNatIn(az);
      if (nat) host = { az, nat };
    }
    return [az, host && (host.az === az || host.nat.placement === 'existing') ? host.nat : { placement: 'other-az' }] as const;
  });
}
