import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { createClients, type AwsClients } from '../shared/clients';
import { awsErrorName, FunctionUpdateInProgress, InvalidRequest, RolePropagationDelay } from '../shared/errors';
import { ledgerEntry } from '../shared/ledger';
import { logger } from '../shared/logger';
import { taskHandler } from '../shared/task-handler';
import type { LedgerEntry } from '../shared/types';
import type { AttachedFunction, AttachFunctionInput, FunctionVpcConfig, OriginalFunction } from './types';
import { hasVpcAccessPolicy, vpcAccessPolicyArn } from './vpc-access-policy';
import { vpcConfigOf } from './vpc-config';

/** Lambda's answer while IAM has not yet propagated the role's new permissions (eventual consistency). */
const ROLE_PROPAGATION_MESSAGE = /execution role does not have permissions to call \w+ on EC2/i;

/**
 * Puts the function on the network's private subnets with the egress security group, attaching
 * AWSLambdaVPCAccessExecutionRole first when RecordFunction found the role without it. Changes nothing else
 * of the function. Retry-safe: ownership of the policy comes from the record, and an already-applied
 * VpcConfig is not sent again.
 */
export async function attachFunction(clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda'>, input: AttachFunctionInput): Promise<AttachedFunction> {
  const original = input.function?.original;
  if (!original) throw new Error('function.original is missing: RecordFunction must run before AttachFunction');
  const subnetIds = privateSubnetIds(input);
  const groupId = input.network?.securityGroup?.groupId;
  if (!groupId) throw new Error('network.securityGroup.groupId is missing: EnsureSecurityGroup must run before AttachFunction');
  const vpcId = await vpcOfPlacement(clients.ec2, subnetIds, groupId, input.network?.vpc?.vpcId);
  const desired: FunctionVpcConfig = { subnetIds, securityGroupIds: [groupId], ipv6AllowedForDualStack: input.request.network.ipv6 };

  const ledger: LedgerEntry[] = [];
  // The policy is needed only while Lambda creates the network interfaces of a new VpcConfig; a function
  // already in place (a repeated provision) is left without it.
  const configChanges = !sameVpcConfig(original.vpcConfig, desired);
  const policyAttachedByExecution = configChanges && !original.vpcAccessPolicyAttached;
  if (policyAttachedByExecution) {
    const policyArn = vpcAccessPolicyArn(original.roleArn);
    // A retry finds its own earlier attachment: no second call, same ownership, same ledger entry.
    if (!(await hasVpcAccessPolicy(clients.iam, original.roleName, policyArn))) {
      await clients.iam.send(new AttachRolePolicyCommand({ RoleName: original.roleName, PolicyArn: policyArn }));
      logger.info('attached the VPC access policy', { roleName: original.roleName, policyArn });
    }
    ledger.push(ledgerEntry('iam-policy-attachment', policyArn, { detail: { roleName: original.roleName } }));
  }

  await applyVpcConfig(clients.lambda, original.functionArn, desired);
  if (configChanges) {
    ledger.push(
      ledgerEntry('function-vpc-config', original.functionArn, {
        detail: { originalVpcConfig: JSON.stringify(original.vpcConfig), originalRecord: JSON.stringify(rollbackRecord(original)) },
      }),
    );
  }
  return { ...desired, vpcId, policyAttachedByExecution, ledger };
}

/** The private subnets of the network slice, each verified against the slice's own tier classification. */
function privateSubnetIds(input: AttachFunctionInput): string[] {
  const slice = input.network?.subnets;
  const ids = slice?.privateSubnetIds ?? [];
  if (!slice || ids.length === 0) {
    throw new InvalidRequest('network.subnets.privateSubnetIds', 'there is no private subnet to attach the function to; the network needs one private subnet per AZ');
  }
  for (const id of ids) {
    const subnet = slice.subnets.find((candidate) => candidate.subnetId === id);
    const listedPublic = slice.publicSubnetIds?.includes(id) ?? false;
    if (subnet?.tier !== 'private' || listedPublic) {
      throw new InvalidRequest(
        'network.subnets.privateSubnetIds',
        `${id} is not a private subnet of this network (tier: ${listedPublic ? 'public' : (subnet?.tier ?? 'unknown')}); a Lambda function in a public subnet gets no internet access, so it is only ever attached to private subnets`,
        { subnetId: id },
      );
    }
  }
  return [...ids];
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

export function sameVpcConfig(a: FunctionVpcConfig, b: FunctionVpcConfig): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && [...x].sort().join() === [...y].sort().join();
  if (a.subnetIds.length === 0 && b.subnetIds.length === 0) return true;
  return same(a.subnetIds, b.subnetIds) && same(a.securityGroupIds, b.securityGroupIds) && a.ipv6AllowedForDualStack === b.ipv6AllowedForDualStack;
}

/** What Rollback needs if the state loses `$.function.original` (functions/undo reads `originalRecord`). */
function rollbackRecord(original: OriginalFunction): Omit<OriginalFunction, 'ledger'> {
  const { functionArn, functionName, roleArn, roleName, vpcConfig, vpcAccessPolicyAttached } = original;
  return { functionArn, functionName, roleArn, roleName, vpcConfig, vpcAccessPolicyAttached };
}

const clients = createClients({ ec2: EC2Client, iam: IAMClient, lambda: LambdaClient });
export const handler = taskHandler('AttachFunction', (input: AttachFunctionInput) => attachFunction(clients, input));
