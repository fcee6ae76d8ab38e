import { networkParameterName } from '../shared/network-parameters';

/** How a template names a lambda-egress network, in each IaC tool's terms. */
export interface NetworkSnippets {
  /** Parameters of SSM types and the function's VpcConfig, for an AWS::Lambda::Function. */
  readonly cloudFormationYaml: string;
  /** useNetwork, the package's helper (infra/use-network.ts). */
  readonly cdk: string;
  /** aws_ssm_parameter data sources and the vpc_config block of an aws_lambda_function. */
  readonly terraform: string;
}

/**
 * The template lines that make a function's VpcConfig the network's, read from the parameters the network
 * publishes (functions/network/network-parameters-publish.ts) at each deploy: the template then says what
 * lambda-egress set, and a deploy keeps it. CloudFormation resolves `AWS::SSM::Parameter::Value<...>` parameters
 * at each create and update and checks the ids exist
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html#aws-ssm-parameter-types).
 * A StringList parameter reads as one comma-separated string in Terraform, hence the split.
 */
export function networkSnippets(network: string, ipv6AllowedForDualStack = false): NetworkSnippets {
  const subnets = networkParameterName(network, 'privateSubnetIds');
  const securityGroup = networkParameterName(network, 'securityGroupId');
  const tfName = network.replace(/[^a-zA-Z0-9_]/g, '_');
  return {
    cloudFormationYaml: [
      'Parameters:',
      '  EgressSubnetIds:',
      '    Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>',
      `    Default: ${subnets}`,
      '  EgressSecurityGroupId:',
      '    Type: AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>',
      `    Default: ${securityGroup}`,
      "# the function resource's Properties:",
      'VpcConfig:',
      '  SubnetIds: !Ref EgressSubnetIds',
      '  SecurityGroupIds: [!Ref EgressSecurityGroupId]',
      ...(ipv6AllowedForDualStack ? ['  Ipv6AllowedForDualStack: true'] : []),
    ].join('\n'),
    cdk: [
      "import { useNetwork } from 'lambda-egress';",
      `useNetwork(fn, '${network}'); // fn: the lambda.Function, without a vpc prop of its own`,
      ...(ipv6AllowedForDualStack ? ['// and ipv6AllowedForDualStack: true in its props'] : []),
    ].join('\n'),
    terraform: [
      `data "aws_ssm_parameter" "${tfName}_subnet_ids" {`,
      `  name = "${subnets}"`,
      '}',
      `data "aws_ssm_parameter" "${tfName}_security_group_id" {`,
      `  name = "${securityGroup}"`,
      '}',
      '# in the aws_lambda_function:',
      'vpc_config {',
      `  subnet_ids         = split(",", data.aws_ssm_parameter.${tfName}_subnet_ids.value)`,
      `  security_group_ids = [data.aws_ssm_parameter.${tfName}_security_group_id.value]`,
      ...(ipv6AllowedForDualStack ? ['  ipv6_allowed_for_dual_stack = true'] : []),
      '}',
    ].join('\n'),
  };
}
