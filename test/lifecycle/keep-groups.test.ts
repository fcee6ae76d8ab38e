import { CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { probeFunctionName } from '../../functions/probe/probe-naming';
import type { ProvisionResult } from '../../functions/report/types';
import { completeVpc } from '../support/existing-vpcs';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';

const ec2 = new EC2Client({});
const lambda = new LambdaClient({});
const groupsOf = async (functionName: string) => [...((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).VpcConfig?.SecurityGroupIds ?? [])].sort();

describe('existing-VPC mode: a function already in that VPC keeps what it has', () => {
  it('keeps its own security group beside the egress group, and the probe ran with the same groups', async () => {
    // GIVEN a function already in the user's VPC with its own group (its database access)
    const { functionName } = await freshAccountWithFunction('orders-api');
    const vpc = await completeVpc(ec2, 5);
    const own = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc.vpcId, GroupName: 'orders-db-access', Description: 'the database' }))).GroupId!;
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, VpcConfig: { SubnetIds: vpc.privateSubnetIds, SecurityGroupIds: [own] } }));
    await queueProbeAnswers(passingProbe());
    // WHEN it is given egress in that VPC
    const run = await provision({ functionName, network: { vpcId: vpc.vpcId } });
    // THEN it succeeded, and the function has both its own group and the egress group
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const egress = (run.output as ProvisionResult).network.securityGroupId!;
    expect(await groupsOf(functionName)).toEqual([egress, own].sort());
    // AND the probe proved exactly that placement: same groups
    expect(await groupsOf(probeFunctionName('default'))).toEqual([egress, own].sort());
  });
});
