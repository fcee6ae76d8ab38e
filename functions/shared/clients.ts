import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { SSMClient } from '@aws-sdk/client-ssm';

/** The task clients by the names the cores take them under: a core asks for `Pick<AwsClients, 'ec2' | ...>`. */
export interface AwsClients {
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly autoscaling: AutoScalingClient;
  /** ValidateRequest's preflight reads the VPC quotas (functions/validate/preflight/service-quota.ts); optional: without it their documented defaults are assumed, and said so. */
  readonly servicequotas?: ServiceQuotasClient;
  /** The network's published parameters (functions/network/network-parameters-publish.ts). */
  readonly ssm: SSMClient;
}

/** An AWS SDK v3 client class (EC2Client, SFNClient, ...). */
type ClientClass = new (config: { region?: string }) => unknown;

type ClientsOf<Classes extends Record<string, ClientClass>> = { readonly [Name in keyof Classes]: InstanceType<Classes[Name]> };

/**
 * Builds exactly the clients a module names, from the default provider chain: credentials, retries
 * (AWS_MAX_ATTEMPTS) and endpoint (AWS_ENDPOINT_URL, which points the SDK at an emulator) all come from the
 * environment, the region too unless given. The caller passes the classes, so a bundle holds only the SDK
 * packages its module imports. Call once per module, at module scope:
 * `const clients = createClients({ ec2: EC2Client });`
 */
export function createClients<const Classes extends Record<string, ClientClass>>(
  classes: Classes,
  options: { readonly region?: string | undefined } = {},
): ClientsOf<Classes> {
  const config = options.region ? { region: options.region } : {};
  return Object.fromEntries(Object.entries(classes).map(([name, Client]) => [name, new Client(config)])) as ClientsOf<Classes>;
}
