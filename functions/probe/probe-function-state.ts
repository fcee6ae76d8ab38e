import { GetFunctionCommand, type FunctionConfiguration, type GetFunctionCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { undefinedWhenNotFound } from '../shared/errors';

/**
 * Reading the probe function (read-only: CheckProbeFunction and RunProbe may not change it). GetFunction
 * returns the Tags the ownership check reads, to a caller allowed lambda:ListTags.
 */
export async function getProbeFunction(lambda: LambdaClient, functionName: string): Promise<GetFunctionCommandOutput | undefined> {
  return undefinedWhenNotFound(lambda.send(new GetFunctionCommand({ FunctionName: functionName })));
}

type ProbeReadiness =
  | { readonly status: 'Ready' }
  /** Pending (Lambda is creating or attaching its Hyperplane ENIs), or an update InProgress. */
  | { readonly status: 'InProgress' }
  | { readonly status: 'Failed'; readonly reason: string; readonly code: string };

/**
 * Ready means Active (or Inactive, which the next invoke wakes: RunProbe retries ProbeNotReady meanwhile)
 * with no update in progress. Lambda function states:
 * https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
 */
export function probeReadiness(configuration: FunctionConfiguration | undefined): ProbeReadiness {
  if (configuration?.State === 'Failed') {
    return { status: 'Failed', reason: configuration.StateReason ?? 'no reason given', code: configuration.StateReasonCode ?? 'unknown' };
  }
  if (configuration?.LastUpdateStatus === 'Failed') {
    return { status: 'Failed', reason: configuration.LastUpdateStatusReason ?? 'no reason given', code: configuration.LastUpdateStatusReasonCode ?? 'unknown' };
  }
  if (configuration?.State === 'Pending' || configuration?.LastUpdateStatus === 'InProgress') return { status: 'InProgress' };
  return { status: 'Ready' };
}
