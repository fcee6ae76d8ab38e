import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { awsErrorName, FunctionUpdateInProgress, RolePropagationDelay } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import type { AttachedFunction, AttachFunctionInput, FunctionVpcConfig, OriginalFunction } from './types';
import { sameVpcConfig, targetPlacement } from './placement';
import { vpcConfigOf } from './vpc-config';

/** Lambda's answer while IAM has not yet propagated the role's new permissions (eventual consistency). */
const ROLE_PROPAGATION_MESSAGE = /execution role does not have permissions to call \w+ on EC2/i;

/**
 * Puts the function on the network's private subnets with the egress security group. Runs last, after
 * RunProbe proved this very subnet + security group combination (the probe function sits on it, so Lambda's
 * Hyperplane ENIs exist already) and after AttachVpcAccessPolicy gave the role what Lambda checks on a
 * VpcConfig update. Changes nothing else of the function. Retry-safe: an already-applied VpcConfig is not
 * sent again.
 */
export async function attachFunction(clients: Pick<AwsClients, 'ec2' | 'lambda'>, input: AttachFunctionInput): Promise<AttachedFunction> {
  const original = input.function?.original;
  if (!original) throw new Error('function.original is missing: RecordFunction must run before AttachFunction');
  const desired = targetPlacement(input);
  // A join from the registry record: its subnets and group are the record's, which CheckJoinNetwork's analysis
  // described beside the probe (a missing one is drift, repaired under the exclusive lock): not described again.
  const recordedVpcId = input.lock?.recorded !== undefined ? input.network?.vpc?.vpcId : undefined;
  const vpcId = recordedVpcId ?? (await vpcOfPlacement(clients.ec2, desired.subnetIds, desired.securityGroupIds[0]!, input.network?.vpc?.vpcId));

  const ledger: LedgerEntry[] = [];
  await applyVpcConfig(clients.lambda, original.functionArn, desired);
  if (!sameVpcConfig(original.vpcConfig, desired)) {
    ledger.push(
      ledgerEntry('function-vpc-config', original.functionArn, {
        detail: { originalVpcConfig: JSON.stringify(original.vpcConfig), originalRecord: JSON.stringify(rollbackRecord(original)) },
      }),
    );
  }
  return { ...desired, vpcId, ledger };
}

/** The VPC of the subnets and group, from EC2 (Lambda's VpcConfig.VpcId is not trusted). All must agree. */
async function vpcOfPlacement(ec2: EC2Client, subnetIds: string[], groupId: string, expectedVpcId: string | undefined): Promise<string> {
  const described = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: subnetIds }] }));
  const found = new Map((described.Subnets ?? []).map((subnet) => [subnet.SubnetId, subnet.VpcId]));
  const missing = subnetIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`subnets ${missing.join(', ')} do not exist`);
  const vpcIds = new Set(found.values());
  const [vpcId] = [...vpcIds];
  if (vpcIds.size !== 1 || !vpcId) throw new Error(`subnets ${subnetIds.join(', ')} are not in one VPC (${[...vpcIds].join(', ')})`);
  if (expectedVpcId && vpcId !== expectedVpcId) throw new Error(`subnets ${subnetIds.join(', ')} are in ${vpcId}, not in the network's ${expectedVpcId}`);
  const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  const groupVpc = groups.SecurityGroups?.find((group) => group.GroupId === groupId)?.VpcId;
  if (groupVpc !== vpcId) throw new Error(`security group ${groupId} is ${groupVpc ? `in ${groupVpc}` : 'missing'}, not in ${vpcId}`);
  return vpcId;
}

/** Sends only VpcConfig (every other setting stays as it is), and only when it differs from what is applied. */
async function applyVpcConfig(lambda: LambdaClient, functionArn: string, desired: FunctionVpcConfig): Promise<void> {
  const current = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
  if (sameVpcConfig(vpcConfigOf(current), desired)) {
    logger.info('VpcConfig already applied', { functionArn });
    return;
  }
  if (current.LastUpdateStatus === 'InProgress') {
    throw new FunctionUpdateInProgress(`${functionArn} has an update in progress; its VpcConfig is applied once that finishes`, { functionArn });
  }
  try {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: functionArn,
        // Both lists, always: AWS needs the groups with the subnets (and moto answers 500 without them).
        VpcConfig: { SubnetIds: desired.subnetIds, SecurityGroupIds: desired.securityGroupIds, Ipv6AllowedForDualStack: desired.ipv6AllowedForDualStack },
      }),
    );
    logger.info('VpcConfig update sent', { functionArn, subnetIds: desired.subnetIds, securityGroupIds: desired.securityGroupIds });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (awsErrorName(error) === 'ResourceConflictException') {
      throw new FunctionUpdateInProgress(`${functionArn} has an update in progress: ${message}`, { functionArn }, { cause: error });
    }
    if (awsErrorName(error) === 'InvalidParameterValueException' && ROLE_PROPAGATION_MESSAGE.test(message)) {
      throw new RolePropagationDelay(`the execution role's VPC permissions have not reached Lambda yet: ${message}`, { functionArn }, { cause: error });
    }
    throw error;
  }
}

/** What Rollback needs if the state loses `$.function.original` (functions/undo reads `originalRecord`). */
function rollbackRecord(original: OriginalFunction): Omit<OriginalFunction, 'ledger'> {
  const { functionArn, functionName, roleArn, roleName, vpcConfig, vpcAccessPolicyAttached } = original;
  return { functionArn, functionName, roleArn, roleName, vpcConfig, vpcAccessPolicyAttached };
}

const clients = createClients({ ec2: EC2Client, lambda: LambdaClient });
export const handler = taskHandler('AttachFunction', (input: AttachFunctionInput) => attachFunction(clients, input));
