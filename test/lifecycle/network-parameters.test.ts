import { AllocateAddressCommand, CreateNatGatewayCommand, DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient, TagResourceCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetParametersByPathCommand, ListTagsForResourceCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { publishNetworkParameters } from '../../functions/network/network-parameters-publish';
import type { ProvisionResult } from '../../functions/report/types';
import type { LedgerEntry } from '../../functions/shared/types';
import { networkParameterName, networkParameterPath } from '../../functions/shared/network-parameters';
import { removeMembership } from '../../functions/shared/registry/delete-membership';
import { TAG_MANAGED, TAG_NETWORK } from '../../functions/shared/tags';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { registryTask, type LocalRunOptions } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { registry, teardown } from '../support/lifecycle-fixture';

/**
 * The SSM parameters a network publishes for IaC (useNetwork, Terraform's aws_ssm_parameter), on moto through the
 * real workflows: written by RecordMembership when the network is ready, rewritten when it changes, deleted by
 * Rollback and by teardown.
 */
const ssm = new SSMClient({});
const ec2 = new EC2Client({});
const lambda = new LambdaClient({});

/** name -> value of every parameter under the network's path. */
async function parametersOf(network: string): Promise<Record<string, string>> {
  const found = await ssm.send(new GetParametersByPathCommand({ Path: networkParameterPath(network), Recursive: true }));
  return Object.fromEntries((found.Parameters ?? []).map((parameter) => [parameter.Name ?? '', parameter.Value ?? '']));
}

/** What IaC must read for a provisioned network: its result's ids and egress IPs. */
function expectedParameters(result: ProvisionResult): Record<string, string> {
  return {
    [networkParameterName('egress', 'vpcId')]: result.network.vpcId,
    [networkParameterName('egress', 'privateSubnetIds')]: result.network.privateSubnetIds.join(','),
    [networkParameterName('egress', 'securityGroupId')]: result.network.securityGroupId!,
    [networkParameterName('egress', 'egressIps')]: result.network.egressIps.join(','),
  };
}

async function provisioned(network: Record<string, unknown> = { name: 'egress', azCount: 1, natGateways: 'single' }, functionName = 'orders-api'): Promise<ProvisionResult> {
  await queueProbeAnswers(passingProbe());
  const run = await provision({ functionName, network });
  expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  return run.output as ProvisionResult;
}

describe('the network parameters for IaC (SSM, /lambda-egress/networks/<name>/)', () => {
  it('are created with the network\'s ids and egress IPs when it is ready, each tagged as lambda-egress\'s at creation', async () => {
    // GIVEN an account with a function
    await freshAccountWithFunction();
    // WHEN a network is provisioned for it
    const result = await provisioned();
    // THEN the four parameters hold what the result says
    expect(result.network.egressIps.length).toBe(1);
    expect(await parametersOf('egress')).toEqual(expectedParameters(result));
    // and each carries the managed tags
    for (const name of Object.keys(expectedParameters(result))) {
      const tags = (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))).TagList ?? [];
      expect([name, Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value]))]).toEqual([name, expect.objectContaining({ [TAG_MANAGED]: 'true', [TAG_NETWORK]: 'egress' })]);
    }
  });

  it('are rewritten by a later execution when the network changed (a NAT replaced), only where the value changed, and stay ledgered only by the execution that created them', async () => {
    // GIVEN a provisioned network, and a NAT gateway of a later repair (its own Elastic IP)
    await freshAccountWithFunction();
    const first = await provisioned();
    const subnetId = first.network.publicSubnetIds[0]!;
    const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const replaced = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    const putsBefore = (await emulator.calls()).filter((call) => call.action === 'PutParameter').length;
    // WHEN a later execution publishes the network with its private subnets routed to that NAT gateway
    const ledger: LedgerEntry[] = [];
    const published = await publishNetworkParameters(
      { ssm, ec2 },
      { network: 'egress', vpcId: first.network.vpcId, privateSubnetIds: first.network.privateSubnetIds, securityGroupId: first.network.securityGroupId, natIds: [replaced] },
      `${first.executionId}-repair`,
      ledger,
    );
    // THEN only the egress IPs were written again, with the new NAT gateway's address
    const newIp = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }))).Addresses![0]!.PublicIp!;
    expect(Object.fromEntries(published.map((parameter) => [parameter.name, parameter.outcome]))).toEqual({
      [networkParameterName('egress', 'vpcId')]: 'unchanged',
      [networkParameterName('egress', 'privateSubnetIds')]: 'unchanged',
      [networkParameterName('egress', 'securityGroupId')]: 'unchanged',
      [networkParameterName('egress', 'egressIps')]: 'updated',
    });
    expect((await emulator.calls()).filter((call) => call.action === 'PutParameter').length - putsBefore).toBe(1);
    expect(await parametersOf('egress')).toEqual({ ...expectedParameters(first), [networkParameterName('egress', 'egressIps')]: newIp });
    // and the later execution does not ledger what the first created (its Rollback must not delete them)
    expect(ledger).toEqual([]);
  });

  it('a parameter at the path that lambda-egress did not create is left as it is', async () => {
    // GIVEN someone's own parameter where the network's security group id goes
    await freshAccountWithFunction();
    const theirs = networkParameterName('egress', 'securityGroupId');
    await ssm.send(new PutParameterCommand({ Name: theirs, Value: 'sg-0theirs', Type: 'String' }));
    // WHEN the network is provisioned
    const result = await provisioned();
    // THEN theirs keeps its value, and the others are published
    const published = await parametersOf('egress');
    expect(published[theirs]).toBe('sg-0theirs');
    expect(published[networkParameterName('egress', 'vpcId')]).toBe(result.network.vpcId);
  });

  it('none is left after a rollback that comes after they were written (fault proxy: the registry write in RecordMembership is refused)', async () => {
    // GIVEN the registry refuses RecordMembership's write, after the parameters are published
    await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const refuseTheRegistryWrite: LocalRunOptions['resolveTask'] = (name) => {
      const real = registryTask(name);
      if (name !== 'RecordMembership') return real;
      return async (input) => {
        // A rule counts the action's calls from the account's first: the next one is RecordMembership's.
        const before = (await emulator.calls()).filter((call) => call.action === 'TransactWriteItems').length;
        await emulator.inject({ service: 'dynamodb', action: 'TransactWriteItems', nth: before + 1, times: Infinity, fault: { type: 'error', code: 'AccessDeniedException', status: 400, message: 'not authorized to perform: dynamodb:PutItem' } });
        return real(input);
      };
    };
    // WHEN a network is provisioned
    const run = await provision({ functionName: 'orders-api', network: { name: 'egress', azCount: 1, natGateways: 'single' } }, { resolveTask: refuseTheRegistryWrite });
    // THEN it rolls back with that error, and no parameter of the network is left
    expect([run.status, run.error]).toEqual(['FAILED', 'AccessDeniedException']);
    const published = (await emulator.calls()).filter((call) => call.service === 'ssm' && call.action === 'PutParameter');
    expect(published.length).toBeGreaterThanOrEqual(4);
    expect(await parametersOf('egress')).toEqual({});
  });

  it('none is left after the network is torn down', async () => {
    // GIVEN a network its last member has left
    await freshAccountWithFunction();
    const result = await provisioned();
    expect(Object.keys(await parametersOf('egress'))).toHaveLength(4);
    await removeMembership(await registry(), result.functionArn);
    // WHEN it is torn down
    const run = await teardown('egress');
    // THEN its parameters are gone with it
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await parametersOf('egress')).toEqual({});
  });

  it("a function its stack already placed on the network's parameters (useNetwork) joins with nothing to change: no update, nothing ledgered, no stack notice", async () => {
    // GIVEN a network, and a CDK-owned function whose deploy put it on the subnets and security group the parameters name
    await freshAccountWithFunction();
    const network = await provisioned();
    const published = await parametersOf('egress');
    const billing = await createSampleFunction('billing-api');
    await lambda.send(new TagResourceCommand({ Resource: billing.FunctionArn, Tags: { 'aws:cloudformation:stack-name': 'billing', 'aws:cloudformation:logical-id': 'BillingApi' } }));
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'billing-api',
        VpcConfig: { SubnetIds: published[networkParameterName('egress', 'privateSubnetIds')]!.split(','), SecurityGroupIds: [published[networkParameterName('egress', 'securityGroupId')]!] },
      }),
    );
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'billing-api' }));
    // WHEN it is provisioned into that network
    const joined = await provisioned({ name: 'egress', azCount: 1, natGateways: 'single' }, 'billing-api');
    // THEN the function was not updated, the execution ledgered no change of it, and its stack gets no notice
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'billing-api' }))).LastModified).toBe(before.LastModified);
    expect(joined.ledger.filter((entry) => entry.kind === 'function-vpc-config')).toEqual([]);
    expect(joined.function.notices).toEqual([]);
    expect(joined.network.vpcId).toBe(network.network.vpcId);
  });
});
