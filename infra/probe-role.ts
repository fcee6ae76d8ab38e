import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * The role every probe function runs as. EnsureProbeFunction creates the probe functions at run time (one per network,
 * in the target's subnets and security group), so the role is the only part of them the stack can own.
 */
export class ProbeRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'lambda-egress probe functions: network interfaces in the target subnets, and their own logs',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    acknowledge(
      this.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'A function in a VPC needs exactly this AWS managed policy (ENI create/describe/delete and logs); it is the policy lambda-egress attaches to target functions too, and AWS keeps it current',
    );
  }
}
