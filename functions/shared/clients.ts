import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Clients from the default provider chain: region, credentials, retries (AWS_MAX_ATTEMPTS) and endpoint
 * (AWS_ENDPOINT_URL, which points the SDK at an emulator) all come from the environment. Call once per module.
 */
export interface AwsClients {
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
}

export function createClients(): AwsClients {
  return { ec2: new EC2Client({}), iam: new IAMClient({}), lambda: new LambdaClient({}) };
}
