import { paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import { allPages } from '../shared/paginate';
import { roleNameFromArn } from './vpc-access-policy';

/** Names of the other functions ($LATEST) whose execution role is this one and whose VpcConfig has subnets. */
export async function otherVpcFunctionsUsingRole(lambda: LambdaClient, roleName: string, functionName: string, functionArn: string): Promise<string[]> {
  const found: string[] = [];
  for (const fn of await allPages(paginateListFunctions({ client: lambda }, {}), (page) => page.Functions)) {
    if (!fn.Role || fn.FunctionArn === functionArn || fn.FunctionName === functionName) continue;
    // Role names are unique in an account; the ARN's path is not part of the identity.
    if (roleNameFromArn(fn.Role) === roleName && (fn.VpcConfig?.SubnetIds?.length ?? 0) > 0) found.push(fn.FunctionName ?? fn.FunctionArn ?? 'unknown');
  }
  return found.sort();
}

