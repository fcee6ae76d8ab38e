import { PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';

export { narrowEniPolicyName } from '../shared/eni-policy-name';

/**
 * The ENI actions the Lambda guide lists for a VPC function
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html), without the managed policy's logs and
 * DescribeSubnets. CreateNetworkInterface authorizes on the subnet, the security group and the new interface, so it
 * is scoped to the network's own; DescribeNetworkInterfaces "only works if it's allowed on all resources"; the other
 * three act on an interface Lambda made, whose id nobody knows in advance (the guide: "include all resource IDs").
 */
export function narrowEniPolicyDocument(functionArn: string, subnetIds: readonly string[], securityGroupIds: readonly string[]): string {
  const [, partition = 'aws', , region = '', account = ''] = functionArn.split(':');
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${account}:${resource}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CreateEnisInTheNetwork',
        Effect: 'Allow',
        Action: 'ec2:CreateNetworkInterface',
        Resource: [...subnetIds.map((id) => ec2(`subnet/${id}`)), ...securityGroupIds.map((id) => ec2(`security-group/${id}`)), ec2('network-interface/*')],
      },
      { Sid: 'ManageLambdaEnis', Effect: 'Allow', Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: ec2('network-interface/*') },
      { Sid: 'DescribeEnis', Effect: 'Allow', Action: 'ec2:DescribeNetworkInterfaces', Resource: '*' },
    ],
  });
}

export async function putNarrowEniPolicy(iam: IAMClient, roleName: string, policyName: string, document: string): Promise<void> {
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document }));
}
