import { paginateDescribeNetworkInterfaces } from '@aws-sdk/client-ec2';
import { paginateListFunctions } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../shared/clients';
import { allPages } from '../shared/paginate';
import { LAMBDA_ENI_DESCRIPTION_PREFIX } from './lambda-eni';

/** The subnets and security groups a function left: the combination whose Hyperplane ENIs Lambda deletes. */
export interface LeftVpcConfig {
  readonly functionArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/**
 * The Lambda ENIs of the configuration a function left, while no other function uses that configuration: those
 * only Lambda's clean-up of this function deletes, with the function's execution role ("Lambda relies on
 * permissions in the function execution role to delete the Hyperplane ENI":
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html), so AWSLambdaVPCAccessExecutionRole must
 * stay on the role until they are gone. Release (RestoreRolePolicy) and Rollback both wait on this.
 */
export async function lingeringFunctionEnis(clients: Pick<AwsClients, 'ec2' | 'lambda'>, left: LeftVpcConfig): Promise<string[]> {
  const { subnetIds, securityGroupIds } = left;
  if (subnetIds.length === 0 || securityGroupIds.length === 0) return [];
  const groups = new Set(securityGroupIds);
  const subnets = new Set(subnetIds);
  const functions = await allPages(paginateListFunctions({ client: clients.lambda }, {}), (page) => page.Functions);
  const sharing = functions.filter(
    (fn) =>
      fn.FunctionArn?.split(':').slice(0, 7).join(':') !== left.functionArn &&
      (fn.VpcConfig?.SecurityGroupIds ?? []).some((group) => groups.has(group)) &&
      (fn.VpcConfig?.SubnetIds ?? []).some((subnet) => subnets.has(subnet)),
  );
  if (sharing.length > 0) return [];
  const enis = await allPages(
    paginateDescribeNetworkInterfaces({ client: clients.ec2 }, { Filters: [{ Name: 'group-id', Values: [...groups] }, { Name: 'subnet-id', Values: [...subnets] }] }),
    (page) => page.NetworkInterfaces,
  );
  return enis.filter((eni) => (eni.Description ?? '').startsWith(LAMBDA_ENI_DESCRIPTION_PREFIX)).map((eni) => `${eni.NetworkInterfaceId} (${eni.Status})`);
}
