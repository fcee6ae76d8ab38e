import type { FunctionConfiguration } from '@aws-sdk/client-lambda';

/** A function whose Lambda state says it lost, or may lose, its Hyperplane ENIs for want of role permissions. */
export interface FunctionStateWarning {
  readonly state: string;
  readonly problem: string;
  readonly fix: string;
}

const VPC_ACCESS_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/**
 * After a success lambda-egress detaches AWSLambdaVPCAccessExecutionRole, as the AWS guide says. But Lambda
 * reclaims an idle function's Hyperplane ENIs after weeks (state `Inactive`) and recreates them at the next
 * invoke with the function's execution role; without the ENI permissions that fails (`Failed`,
 * `InsufficientRolePermissions`): https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html. Either
 * state is flagged with the fix (the policy ARN it prints is the `aws` partition's).
 */
export function functionStateWarning(functionName: string, configuration: Pick<FunctionConfiguration, 'State' | 'StateReasonCode' | 'Role'>): FunctionStateWarning | undefined {
  const roleName = configuration.Role?.split('/').pop() ?? 'ROLE';
  const restore = `aws iam attach-role-policy --role-name ${roleName} --policy-arn ${VPC_ACCESS_POLICY}`;
  const wake = `aws lambda invoke --function-name ${functionName} /dev/null && aws lambda wait function-active-v2 --function-name ${functionName}`;
  if (configuration.State === 'Inactive') {
    return {
      state: 'Inactive',
      problem: `function ${functionName} is Inactive: Lambda reclaimed its network interfaces after a long idle time and recreates them at the next invoke with its role ${roleName}, which may lack the ENI permissions`,
      fix: `before its next invoke, give the role the ENI permissions (${restore}, or provision it again), then wake it: ${wake}`,
    };
  }
  if (configuration.State === 'Failed' && configuration.StateReasonCode === 'InsufficientRolePermissions') {
    return {
      state: 'Failed',
      problem: `function ${functionName} is Failed (InsufficientRolePermissions): Lambda could not recreate its network interfaces with its role ${roleName}`,
      fix: `give the role the ENI permissions (${restore}, or provision it again), then invoke it: ${wake}`,
    };
  }
  return undefined;
}
