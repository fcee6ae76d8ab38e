// A platform team's own CDK app (examples/embed/README.md): lambda-egress added to a stack of its own, and a
// service team's function that uses the network "payments" by name. The tests install the packed tarball here
// and synthesize this file as written (test/package/embed-example.test.ts).
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LambdaEgress, useNetwork } from 'lambda-egress';

const app = new App();

// The platform's stack: everything lambda-egress deploys, beside whatever else the team keeps there.
const platform = new Stack(app, 'Platform');
new LambdaEgress(platform, 'Egress', { functionNamePrefix: 'platform-egress', tagTrigger: true });

// A service team's stack: its function runs in network "payments", read from the network's SSM parameters at
// deploy time, so this template (not a hand-pasted VpcConfig) keeps the function's egress.
const orders = new Stack(app, 'Orders');
const ordersApi = new LambdaFunction(orders, 'OrdersApi', {
  runtime: Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: Code.fromInline('exports.handler = async () => (await fetch("https://aws.amazon.com/")).status;'),
});
useNetwork(ordersApi, 'payments');

// The team's own function is not lambda-egress's: its findings are the team's to acknowledge.
Validations.of(ordersApi).acknowledge(
  { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: "the example's function logs through AWS's basic execution policy" },
  { id: 'AwsSolutions-L1', reason: 'the example pins nodejs22.x, the runtime lambda-egress itself is tested on' },
);

// cdk-nag's AwsSolutions pack as a synthesis gate: a finding nobody acknowledged fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
