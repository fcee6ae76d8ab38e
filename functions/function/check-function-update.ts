import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { FunctionUpdateFailed } from '../shared/errors';
import { taskHandler } from '../shared/task-handler';
import type { CheckFunctionUpdateInput, FunctionUpdateCheck } from './types';

/**
 * One look at the function's update: `InProgress` (the state machine waits and looks again) or
 * `Successful`; a failed update throws FunctionUpdateFailed with Lambda's reason and reason code.
 */
export async function checkFunctionUpdate(clients: Pick<AwsClients, 'lambda'>, input: CheckFunctionUpdateInput): Promise<FunctionUpdateCheck> {
  const functionArn = input.request.functionArn;
  const configuration = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  const functionState = configuration.State ?? 'unknown';
  if (configuration.LastUpdateStatus === 'Failed') {
    const reason = configuration.LastUpdateStatusReason ?? 'no reason given';
    const code = configuration.LastUpdateStatusReasonCode ?? 'unknown';
    throw new FunctionUpdateFailed(`Lambda could not apply the VPC configuration to ${functionArn}: ${reason} (${code})`, {
      functionArn,
      lastUpdateStatusReason: reason,
      lastUpdateStatusReasonCode: code,
      functionState,
    });
  }
  if (configuration.State === 'Failed') {
    const reason = configuration.StateReason ?? 'no reason given';
    const code = configuration.StateReasonCode ?? 'unknown';
    throw new FunctionUpdateFailed(`${functionArn} is in state Failed: ${reason} (${code})`, { functionArn, stateReason: reason, stateReasonCode: code, functionState });
  }
  const updating = configuration.LastUpdateStatus === 'InProgress' || configuration.State === 'Pending';
  return { status: updating ? 'InProgress' : 'Successful', functionState };
}

const clients = createClients({ lambda: LambdaClient });
export const handler = taskHandler('CheckFunctionUpdate', (input: CheckFunctionUpdateInput) => checkFunctionUpdate(clients, input));
