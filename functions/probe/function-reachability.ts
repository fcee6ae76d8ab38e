import type { EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { vpcConfigOf } from '../function/vpc-config';
import type { FunctionVpcConfig } from '../function/types';
import { analyzeReachability } from './reachability';
import type { ReachabilityVerdict } from './types';

export interface FunctionReachability {
  readonly configuration: FunctionConfiguration;
  readonly vpcConfig: FunctionVpcConfig;
  readonly verdict: ReachabilityVerdict;
}

/**
 * The static reachability analysis of a function's current VpcConfig, as Lambda reports it: what RunProbe
 * checks before it invokes the probe, what `lambda-egress diagnose` shows, and what local mode answers the
 * probe with. IPv6 is required when asked, else when the function allows dual-stack traffic.
 */
export async function analyzeFunctionReachability(
  clients: { readonly lambda: LambdaClient; readonly ec2: EC2Client },
  functionName: string,
  options: { readonly port: number; readonly ipv6?: boolean },
): Promise<FunctionReachability> {
  const configuration = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const vpcConfig = vpcConfigOf(configuration);
  const verdict = await analyzeReachability(clients.ec2, {
    subnetIds: vpcConfig.subnetIds,
    securityGroupIds: vpcConfig.securityGroupIds,
    port: options.port,
    ipv6: options.ipv6 ?? vpcConfig.ipv6AllowedForDualStack,
  });
  return { configuration, vpcConfig, verdict };
}
