import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { networkParameterName } from '../../functions/shared/network-parameters';
import { useNetwork } from '../../infra/use-network';

/** useNetwork in a user's stack: the function's VpcConfig from the network's SSM parameters, resolved at deploy time. */
function userFunction(stack: Stack, extra: Partial<ConstructorParameters<typeof LambdaFunction>[2]> = {}): LambdaFunction {
  return new LambdaFunction(stack, 'OrdersApi', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => 200;'), ...extra });
}

describe('useNetwork', () => {
  it("sets the function's VpcConfig to the network's subnet and security group parameters, typed so CloudFormation checks the ids", () => {
    // GIVEN a user's function
    const stack = new Stack(new App(), 'Orders');
    const fn = userFunction(stack);
    // WHEN it is declared to use network "payments"
    useNetwork(fn, 'payments');
    // THEN the template reads the parameters at deploy time and the function uses them
    const template = Template.fromStack(stack).toJSON() as { Parameters: Record<string, { Type: string; Default: string }> };
    const byName = Object.fromEntries(Object.entries(template.Parameters).map(([id, parameter]) => [parameter.Default, { id, type: parameter.Type }]));
    const subnets = byName[networkParameterName('payments', 'privateSubnetIds')];
    const securityGroup = byName[networkParameterName('payments', 'securityGroupId')];
    expect(subnets?.type).toBe('AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>');
    expect(securityGroup?.type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SubnetIds: { Ref: subnets?.id }, SecurityGroupIds: [{ Ref: securityGroup?.id }] } });
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Role'))).toContain('service-role/AWSLambdaVPCAccessExecutionRole');
  });

  it('adds no cdk-nag finding of its own (the VPC access policy is acknowledged with its reason)', () => {
    const app = new App();
    const stack = new Stack(app, 'Orders');
    const fn = userFunction(stack);
    Validations.of(fn).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: "the test's own function: CDK's default role" },
      { id: 'AwsSolutions-L1', reason: "the test's own function pins nodejs22.x" },
    );
    useNetwork(fn, 'payments');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails for a name no network can have, naming the rule', () => {
    const fn = userFunction(new Stack(new App(), 'Orders'));
    expect(() => useNetwork(fn, '-payments')).toThrow(/useNetwork: network "-payments" is no lambda-egress network name/);
    expect(() => useNetwork(fn, '')).toThrow(/no lambda-egress network name/);
  });

  it('fails for a function that already has a VPC of its own, saying to remove it', () => {
    const stack = new Stack(new App(), 'Orders');
    const fn = userFunction(stack, { vpc: new Vpc(stack, 'Vpc', { natGateways: 0 }) });
    expect(() => useNetwork(fn, 'payments')).toThrow(/already has a VPC \(the vpc prop\); remove it/);
  });
});
