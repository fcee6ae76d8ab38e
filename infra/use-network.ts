import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ParameterValueType, StringListParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { networkParameterName } from '../functions/shared/network-parameters';
import { acknowledge } from './nag';

/** The request schema's pattern of a network name (functions/shared/request.schema.json, network.name). */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;

/**
 * Declares, in the user's own stack, that `fn` runs in lambda-egress network `network`: its VpcConfig is the
 * network's private subnets and security group, read at deploy time from the SSM parameters the network
 * publishes (/lambda-egress/networks/<network>/...). The template then says what lambda-egress would set, so the
 * stack's next deploy keeps the function's egress instead of putting the old VpcConfig back. CloudFormation
 * resolves `AWS::SSM::Parameter::Value<...>` parameters at each deploy and checks the ids exist
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types).
 * The function's role gets AWSLambdaVPCAccessExecutionRole: Lambda needs it to create the function's network
 * interfaces (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions).
 *
 * @example useNetwork(ordersApi, 'payments');
 */
export function useNetwork(fn: LambdaFunction, network: string): void {
  if (!NETWORK_NAME.test(network)) {
    throw new Error(`useNetwork: network ${JSON.stringify(network)} is no lambda-egress network name (letters, digits, '.', '_', '-', starting with a letter or digit, at most 64): pass the name the network was provisioned with`);
  }
  if (fn.isBoundToVpc) {
    throw new Error(`useNetwork: ${fn.node.path} already has a VPC (the vpc prop); remove it, the network '${network}' supplies the subnets and security group`);
  }
  const subnetIds = StringListParameter.valueForTypedListParameter(fn, networkParameterName(network, 'privateSubnetIds'), ParameterValueType.AWS_EC2_SUBNET_ID);
  const securityGroupId = StringParameter.valueForTypedStringParameterV2(fn, networkParameterName(network, 'securityGroupId'), ParameterValueType.AWS_EC2_SECURITYGROUP_ID);
  (fn.node.defaultChild as CfnFunction).vpcConfig = { subnetIds, securityGroupIds: [securityGroupId] };
  if (fn.role) {
    fn.role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
    acknowledge(
      fn.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      "AWS's documented policy for a VPC function's network interfaces (ec2:CreateNetworkInterface and its kin accept no narrower resource)",
    );
  }
}
