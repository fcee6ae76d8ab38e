/**
 * The per-network NAT alarms (request field `network.alarms`): two CloudWatch alarms on each NAT gateway
 * lambda-egress created, named so that EnsureNatGateway finds them again by name, Rollback finds a network's
 * by prefix, and IAM can limit the task roles to them (`arn:...:alarm:lambda-egress-nat-*`).
 */
export const NAT_ALARM_PREFIX = 'lambda-egress-nat-';

/**
 * The metrics, as "NAT gateway metrics and dimensions" documents them (namespace AWS/NATGateway, dimension
 * NatGatewayId, "the most useful statistic is Sum" for both):
 * https://docs.aws.amazon.com/vpc/latest/userguide/metrics-dimensions-nat-gateway.html
 */
export const NAT_ALARM_METRICS = [
  {
    metricName: 'ErrorPortAllocation',
    meaning: 'the NAT gateway could not allocate a source port (more than 55,000 simultaneous connections to one destination)',
  },
  {
    metricName: 'PacketsDropCount',
    meaning: 'the NAT gateway dropped packets (a transient issue of the NAT gateway; check the AWS Health Dashboard)',
  },
] as const;

type NatAlarmMetric = (typeof NAT_ALARM_METRICS)[number]['metricName'];

/** The alarm names of one network start with this; its network name comes first so Rollback can list them. */
export function natAlarmNetworkPrefix(networkName: string): string {
  return `${NAT_ALARM_PREFIX}${networkName}-`;
}

/** `lambda-egress-nat-<network>-<nat id>-<metric>`: at most 18 + 64 + 1 + 21 + 1 + 19 characters (limit 255). */
export function natAlarmName(networkName: string, natGatewayId: string, metricName: NatAlarmMetric): string {
  return `${natAlarmNetworkPrefix(networkName)}${natGatewayId}-${metricName}`;
}
