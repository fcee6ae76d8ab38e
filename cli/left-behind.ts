import type { InheritedSettings, LeftVpc } from '../functions/shared/types';

/**
 * What a function moved out of another VPC leaves there (request.leavesVpc, functions/validate/preflight/function-move.ts),
 * as plan and the provision result say it: the VPC, its subnets and groups, and the lambda-egress network left
 * without members, with what it still costs and the command that tears it down.
 */
export function leftVpcLines(left: LeftVpc): string[] {
  const lines = [
    `leaves ${left.vpcId}${left.network ? ` (network "${left.network.name}")` : ''}: subnets ${left.subnetIds.join(', ')}; security groups ${left.securityGroupIds.join(', ') || 'none'} (and what they reach)`,
  ];
  const network = left.network;
  if (network?.membersLeft !== undefined && network.membersLeft > 0) lines.push(`network "${network.name}" keeps ${network.membersLeft} other member(s)`);
  if (network?.monthlyCostUsd !== undefined && network.teardownCommand) {
    lines.push(`network "${network.name}" has no members left and still costs $${network.monthlyCostUsd.toFixed(2)} a month: ${network.teardownCommand}`);
  }
  return lines;
}

/** The settings a join took from the network's record, e.g. `natGateways "single", s3Endpoint false`. */
export function inheritedSettingsText(inherited: InheritedSettings): string {
  return Object.entries(inherited)
    .map(([setting, value]) => `${setting} ${JSON.stringify(value)}`)
    .join(', ');
}
