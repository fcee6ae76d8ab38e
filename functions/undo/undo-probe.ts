import { DeleteFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, isNotFound } from '../shared/errors';
import { StillInUse } from './still-in-use';
import type { RollbackOutcome } from './types';

/** A probe function lambda-egress created (ledgered as `probe-function`); its Hyperplane ENIs linger after it. */
export async function deleteProbeFunction(lambda: LambdaClient, functionName: string): Promise<RollbackOutcome> {
  try {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: functionName }));
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    if (awsErrorName(error) === 'ResourceConflictException') throw new StillInUse('the probe function has an update in progress');
    throw error;
  }
}
