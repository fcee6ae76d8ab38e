import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureRegistryTable } from '../../local/local-registry';
import type { Registry } from '../../functions/shared/registry/table';
import type { ExecutionContext, NormalizedRequest } from '../../functions/shared/types';
import { emulator } from '../../local/test-support/emulator-control';

export const dynamodb = new DynamoDBClient({});

/** A brand-new account with an empty registry table, created as local mode creates it. */
export async function freshRegistry(): Promise<Registry & { account: string }> {
  const account = await emulator.freshAccount();
  const tableName = await ensureRegistryTable(dynamodb);
  return { dynamodb, tableName, account };
}

export const functionArn = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

export function execution(name: string): ExecutionContext {
  return { id: `arn:aws:states:us-east-1:123456789012:execution:LambdaEgressProvision:${name}`, name };
}

/** The normalised request of `name` onto a create-mode network, as ValidateRequest would leave it. */
export function requestFor(functionName: string, network = 'shared'): NormalizedRequest {
  return {
    functionName,
    functionArn: functionArn(functionName),
    network: { mode: 'create', name: network, cidr: '10.0.0.0/16', azs: ['us-east-1a', 'us-east-1b'], natGateways: 'per-az', ipv6: false, s3Endpoint: true, alarms: false, deleteWhenUnused: false, subnetPlan: [] },
    probe: { url: 'https://aws.amazon.com/', timeoutSeconds: 3, expectedStatuses: [200] },
    detachVpcAccessPolicy: true,
  };
}
