import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { sampleFunctionZip } from '../../statemachine/sample-function-code';

const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Creates a role and a plain (non-VPC) nodejs22.x function in the current account, as a user would have. */
export async function createSampleFunction(name: string, roleName = `${name}-role`): Promise<FunctionConfiguration> {
  const iam = new IAMClient({});
  const lambda = new LambdaClient({});
  const role = await iam.send(new GetRoleCommand({ RoleName: roleName })).catch(() =>
    iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY })),
  );
  return lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: role.Role?.Arn,
      Handler: 'index.handler',
      Code: { ZipFile: sampleFunctionZip() },
      Timeout: 3,
      MemorySize: 128,
    }),
  );
}
