/**
 * The SSM parameters a network publishes, so that IaC (a user's CDK stack, Terraform) names the network instead
 * of pasting its ids: the user's template then says what the function's VpcConfig is, and its next deploy keeps it.
 * Names are the contract with those templates; never rename one.
 */
export const NETWORK_PARAMETERS_ROOT = '/lambda-egress/networks';

/** Each published value: its parameter name under the network's path, and whether it is an SSM StringList. */
export const NETWORK_PARAMETERS = {
  vpcId: { name: 'vpc-id', list: false },
  privateSubnetIds: { name: 'private-subnet-ids', list: true },
  securityGroupId: { name: 'security-group-id', list: false },
  egressIps: { name: 'egress-ips', list: true },
} as const;

export type NetworkParameterKey = keyof typeof NETWORK_PARAMETERS;

/** `/lambda-egress/networks/<network>` (no trailing slash). */
export function networkParameterPath(network: string): string {
  return `${NETWORK_PARAMETERS_ROOT}/${network}`;
}

/** The full name of one of a network's parameters: `/lambda-egress/networks/<network>/<name>`. */
export function networkParameterName(network: string, key: NetworkParameterKey): string {
  return `${networkParameterPath(network)}/${NETWORK_PARAMETERS[key].name}`;
}
