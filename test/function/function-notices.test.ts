import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, LambdaClient, PublishVersionCommand, TagResourceCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { attachFunction } from '../../functions/function/attach-function';
import { functionNotices } from '../../functions/function/function-notices';
import { networkSnippets } from '../../functions/function/network-parameter-snippets';
import { recordFunction } from '../../functions/function/record-function';
import { reportResult } from '../../functions/report/report-result';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, executionNamed, networkSlices, normalizedRequest } from '../support/egress-network';
import { freshAccountWithFunction, provision } from '../support/harness';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});
const clients = { ec2, iam, lambda };

/** RecordFunction, AttachFunction and ReportResult (their real cores) on a function: what the user is told. */
async function moveAndReport(functionName: string, functionArn: string) {
  const network = await buildEgressNetwork(ec2);
  const request = normalizedRequest({ functionName, functionArn });
  const execution = executionNamed(`exec-${functionName}`);
  const original = await recordFunction(clients, { execution, request });
  const attach = await attachFunction(clients, { execution, request, function: { original }, network: networkSlices(network) });
  const result = reportResult({ execution, request, network: networkSlices(network), function: { original: { ...original }, attach: { ...attach } } });
  return { network, original, result };
}

describe('what lambda-egress tells the user about the function it moved', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('names the aliases still on a published version without egress, and the commands that publish and move them', async () => {
    // GIVEN a function whose version 1 was published outside any VPC, alias live on it and alias dev on $LATEST
    const fn = await createSampleFunction('orders-api');
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'orders-api', Name: 'live', FunctionVersion: v1.Version }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'orders-api', Name: 'dev', FunctionVersion: '$LATEST' }));
    // WHEN it is moved into the network
    const { network, original, result } = await moveAndReport('orders-api', fn.FunctionArn!);
    // THEN RecordFunction read the alias and its version's VpcConfig (none)
    expect(original.facts).toEqual({
      pinnedAliases: [{ alias: 'live', versions: ['1'] }],
      versionVpcConfigs: { '1': { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false } },
      snapStartOnPublishedVersions: false,
    });
    // AND the result names live (not dev, which follows $LATEST) with the commands that move it
    expect(result.function.notices).toHaveLength(1);
    const [notice] = result.function.notices;
    expect(notice).toMatchObject({ kind: 'published-versions', aliases: [{ alias: 'live', versions: ['1'] }] });
    expect(notice!.message).toContain('alias live (version 1) still runs a published version without this egress');
    expect(notice!.kind === 'published-versions' && notice!.commands).toEqual([
      'VERSION=$(aws lambda publish-version --function-name orders-api --query Version --output text)',
      'aws lambda update-alias --function-name orders-api --name live --function-version "$VERSION"',
    ]);

    // WHEN the user does what the commands say (the same calls through the SDK) and the function is recorded again
    const published = await lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api' }));
    await lambda.send(new UpdateAliasCommand({ FunctionName: 'orders-api', Name: 'live', FunctionVersion: published.Version }));
    const again = await recordFunction(clients, { execution: executionNamed('exec-again'), request: normalizedRequest({ functionName: 'orders-api', functionArn: fn.FunctionArn! }) });
    // THEN live's new version has the network's VpcConfig, and the report has nothing more to say
    expect(again.facts?.versionVpcConfigs[published.Version!]).toEqual({ subnetIds: network.privateSubnetIds, securityGroupIds: [network.securityGroupId], ipv6AllowedForDualStack: false });
    const after = reportResult({ execution: executionNamed('exec-again'), request: normalizedRequest({ functionName: 'orders-api', functionArn: fn.FunctionArn! }), network: networkSlices(network), function: { original: { ...again }, attach: { ...result.function.appliedVpcConfig } } });
    expect(after.function.notices).toEqual([]);
  });

  it("warns that the owning CloudFormation stack may put the old VpcConfig back, and shows how its template names the network (its SSM parameters) in CloudFormation, CDK and Terraform", async () => {
    // GIVEN a function deployed by a stack (CloudFormation tags every resource it creates with these)
    const fn = await createSampleFunction('billing');
    await lambda.send(new TagResourceCommand({ Resource: fn.FunctionArn, Tags: { 'aws:cloudformation:stack-name': 'billing-prod', 'aws:cloudformation:logical-id': 'BillingFn' } }));
    // WHEN it is moved into the network
    const { result } = await moveAndReport('billing', fn.FunctionArn!);
    // THEN the result warns, naming the stack and resource, and points at the network's parameters rather than its ids
    expect(result.function.notices).toEqual([
      {
        kind: 'cloudformation-owned',
        message: expect.stringContaining('resource BillingFn of stack billing-prod (CloudFormation or CDK): the next stack update that touches it may put its old VpcConfig back'),
        stackName: 'billing-prod',
        logicalId: 'BillingFn',
        snippets: networkSnippets('test-net'),
      },
    ]);
    const notice = result.function.notices[0]!;
    expect(notice.message).toContain('Name network test-net in the template instead of its ids');
    const snippets = notice.kind === 'cloudformation-owned' ? notice.snippets! : undefined;
    expect(snippets?.cloudFormationYaml).toContain('Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>\n    Default: /lambda-egress/networks/test-net/private-subnet-ids');
    expect(snippets?.cloudFormationYaml).toContain('Default: /lambda-egress/networks/test-net/security-group-id');
    expect(snippets?.cdk).toContain("useNetwork(fn, 'test-net');");
    expect(snippets?.terraform).toContain('data "aws_ssm_parameter" "test_net_subnet_ids" {\n  name = "/lambda-egress/networks/test-net/private-subnet-ids"\n}');
    expect(snippets?.terraform).toContain('subnet_ids         = split(",", data.aws_ssm_parameter.test_net_subnet_ids.value)');
    // and no snippet pastes an id of the network
    expect(JSON.stringify(snippets)).not.toMatch(/(subnet|sg|vpc)-[0-9a-f]{8,}/);
  });

  it('has nothing to say about a function without pinned aliases or an owning stack, and reads without changing anything', async () => {
    const fn = await createSampleFunction('plain');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'plain' }));
    await emulator.clearCalls();
    const original = await recordFunction(clients, { execution: executionNamed('exec-plain'), request: normalizedRequest({ functionName: 'plain', functionArn: fn.FunctionArn! }) });
    expect(original.facts).toEqual({ pinnedAliases: [], versionVpcConfigs: {}, snapStartOnPublishedVersions: false });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    const { result } = await moveAndReport('plain', fn.FunctionArn!);
    expect(result.function.notices).toEqual([]);
  });
});

describe('function notices from recorded facts (pure; moto models neither weighted aliases nor SnapStart)', () => {
  const target = { vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'], ipv6AllowedForDualStack: false };
  const none = { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false };

  it('moves a weighted alias whole when one of its versions lacks the new VpcConfig, and leaves an alias already there alone', () => {
    const notices = functionNotices('pay', { pinnedAliases: [{ alias: 'canary', versions: ['2', '3'] }, { alias: 'done', versions: ['3'] }], versionVpcConfigs: { '2': none, '3': target }, snapStartOnPublishedVersions: false }, target, { network: 'egress' });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'published-versions', aliases: [{ alias: 'canary', versions: ['2', '3'] }] });
    expect(notices[0]!.kind === 'published-versions' && notices[0]!.commands[1]).toBe(`aws lambda update-alias --function-name pay --name canary --function-version "$VERSION" --routing-config '{}'`);
  });

  it("gives no stack notice to a function whose VpcConfig was the network's already (its template names the network): a join with nothing to change", () => {
    const owned = { pinnedAliases: [], versionVpcConfigs: {}, snapStartOnPublishedVersions: false, cloudFormation: { stackName: 'shop', logicalId: 'OrdersFn' } };
    expect(functionNotices('orders', owned, target, { network: 'egress', originalVpcConfig: { subnetIds: ['subnet-b', 'subnet-a'], securityGroupIds: ['sg-1'], ipv6AllowedForDualStack: false } })).toEqual([]);
    // one that moved gets it
    expect(functionNotices('orders', owned, target, { network: 'egress', originalVpcConfig: none }).map((notice) => notice.kind)).toEqual(['cloudformation-owned']);
  });

  it('says that SnapStart serves published versions only, even without aliases', () => {
    const [notice] = functionNotices('java-api', { pinnedAliases: [], versionVpcConfigs: {}, snapStartOnPublishedVersions: true }, target, { network: 'egress' });
    expect(notice?.message).toMatch(/^SnapStart runs published versions only/);
    expect(notice?.kind === 'published-versions' && notice.commands).toEqual(['VERSION=$(aws lambda publish-version --function-name java-api --query Version --output text)']);
  });
});

describe('ValidateRequest refuses a function Lambda would not update', () => {
  const refused = async (pattern: string, replacement: string) => {
    const { functionName } = await freshAccountWithFunction();
    await emulator.inject({ service: 'lambda', action: 'GetFunctionConfiguration', times: -1, fault: { type: 'rewrite', replacements: [{ pattern, replacement }] } });
    await emulator.clearCalls();
    const run = await provision({ functionName });
    return { run, mutating: mutatingCalls(await emulator.calls()) };
  };

  it('fails InvalidRequest naming state Inactive and how to wake the function, creating nothing (mocked: State rewritten by the fault proxy)', async () => {
    const { run, mutating } = await refused('"State": ?"Active"', '"State": "Inactive", "StateReasonCode": "Idle", "StateReason": "The function is inactive"');
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('InvalidRequest');
    expect(run.cause).toContain('functionName: orders-api is in state Inactive (Idle: The function is inactive)');
    expect(run.cause).toContain('aws lambda invoke --function-name orders-api');
    expect(mutating).toEqual([]);
  });

  it('fails InvalidRequest naming LastUpdateStatus Failed and its reason, creating nothing (mocked: LastUpdateStatus rewritten by the fault proxy)', async () => {
    const { run, mutating } = await refused('"LastUpdateStatus": ?"Successful"', '"LastUpdateStatus": "Failed", "LastUpdateStatusReasonCode": "SubnetOutOfIPAddresses", "LastUpdateStatusReason": "no free IP address in subnet-1"');
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('InvalidRequest');
    expect(run.cause).toContain('the last update of orders-api failed (LastUpdateStatus Failed: SubnetOutOfIPAddresses: no free IP address in subnet-1)');
    expect(mutating).toEqual([]);
  });
});
