import { IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { InvalidRequest, isNotFound } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import { readFunctionFacts } from './function-facts';
import type { OriginalFunction, RecordFunctionInput } from './types';
import { vpcConfigOf } from './vpc-config';
import { hasVpcAccessPolicy, roleNameFromArn, vpcAccessPolicyArn } from './vpc-access-policy';

/**
 * Read-only, before anything changes: the function's original VpcConfig and whether its role already has
 * AWSLambdaVPCAccessExecutionRole. AttachFunction decides from this record (never from the role's current
 * state) and Rollback restores from it. Also what the move will not reach (function-facts.ts), for the report.
 */
export async function recordFunction(clients: Pick<AwsClients, 'lambda' | 'iam'>, input: RecordFunctionInput): Promise<OriginalFunction> {
  const functionArn = input.request.functionArn;
  let configuration: FunctionConfiguration;
  try {
    configuration = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  } catch (error) {
    if (isNotFound(error)) {
      throw new InvalidRequest('functionName', `no function ${functionArn} in this account and region; check the name and the region`, { functionArn });
    }
    throw error;
  }
  const roleArn = configuration.Role;
  if (!roleArn) throw new Error(`Lambda returned no execution role for ${functionArn}`);
  const roleName = roleNameFromArn(roleArn);
  const vpcAccessPolicyAttached = await hasVpcAccessPolicy(clients.iam, roleName, vpcAccessPolicyArn(roleArn)).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
    throw new InvalidRequest('functionName', `the execution role ${roleArn} of ${functionArn} does not exist; give the function a valid role first`, { roleArn });
  });
  return {
    functionArn: configuration.FunctionArn ?? functionArn,
    functionName: configuration.FunctionName ?? input.request.functionName,
    roleArn,
    roleName,
    vpcConfig: vpcConfigOf(configuration),
    vpcAccessPolicyAttached,
    facts: await readFunctionFacts(clients.lambda, configuration),
    ledger: [],
  };
}

const clients = createClients({ iam: IAMClient, lambda: LambdaClient });
export const handler = taskHandler('RecordFunction', (input: RecordFunctionInput) => recordFunction(clients, input));
