import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { FunctionVpcConfig } from './types';

/** The function's VpcConfig as lambda-egress stores it: empty lists for a function outside any VPC. */
export function vpcConfigOf(configuration: FunctionConfiguration): FunctionVpcConfig {
  const vpc = configuration.VpcConfig;
  return {
    subnetIds: [...(vpc?.SubnetIds ?? [])],
    securityGroupIds: [...(vpc?.SecurityGroupIds ?? [])],
    ipv6AllowedForDualStack: vpc?.Ipv6AllowedForDualStack === true,
  };
}
