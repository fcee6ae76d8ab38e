import { DescribeSubnetsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { InvalidRequest } from '../../shared/errors';
import type { NormalizedNetwork } from '../../shared/types';

/** Lambda takes at most 5 security groups in a VpcConfig (Lambda API reference, VpcConfig: https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html). */
const MAX_FUNCTION_SECURITY_GROUPS = 5;

/**
 * Existing-VPC mode, a function already in that VPC: its own security groups (its database access, say) are
 * kept beside the egress group, and the probe runs with the same groups. Undefined when there is nothing to
 * keep. The VPC is read from the function's subnets (Lambda's VpcConfig.VpcId is not reliable in emulators).
 */
export async function securityGroupsToKeep(ec2: EC2Client, configuration: FunctionConfiguration, network: NormalizedNetwork): Promise<string[] | undefined> {
  const subnetIds = configuration.VpcConfig?.SubnetIds ?? [];
  const groups = configuration.VpcConfig?.SecurityGroupIds ?? [];
  if (network.mode !== 'existing' || !network.vpcId || subnetIds.length === 0 || groups.length === 0) return undefined;
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? [];
  if (subnets.length === 0 || subnets.some((subnet) => subnet.VpcId !== network.vpcId)) return undefined;
  if (groups.length >= MAX_FUNCTION_SECURITY_GROUPS) {
    throw new InvalidRequest(
      'functionName',
      `${configuration.FunctionName ?? 'the function'} is in ${network.vpcId} with ${groups.length} security groups (${groups.join(', ')}), which it keeps, and Lambda allows ${MAX_FUNCTION_SECURITY_GROUPS} per function: the egress group would be one too many. Give the function at most ${MAX_FUNCTION_SECURITY_GROUPS - 1} (merge two of its groups), then run again`,
      { securityGroupIds: groups },
    );
  }
  return [...groups];
}
