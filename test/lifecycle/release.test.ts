import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DeleteNetworkInterfaceCommand } from '@aws-sdk/client-ec2';
import { AttachRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { readMembership } from '../../functions/shared/registry/read-membership';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { emulator } from '../../local/test-support/emulator-control';
import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { registryTask, runLocally, type LocalRunOptions, type LocalRunResult } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { describeEverything, ec2, lambda, lambdaEni, networkInterfaceIds, registry, taggedForNetwork } from '../support/lifecycle-fixture';

const iam = new IAMClient({});
const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

let runs = 0;
function release(input: unknown, options: Pick<LocalRunOptions, 'resolveTask'> = {}): Promise<LocalRunResult> {
  runs += 1;
  return runLocally(input, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `release-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true, ...options });
}

/** Everything of the function's configuration but what any update changes (revision, time, update status). */
function settings(config: FunctionConfiguration): unknown {
  const { RevisionId: _r, LastModified: _l, LastUpdateStatus: _s, LastUpdateStatusReason: _sr, LastUpdateStatusReasonCode: _sc, $metadata: _m, ...rest } = config as FunctionConfiguration & { $metadata?: unknown };
  return rest;
}

async function policies(roleName: string): Promise<string[]> {
  return ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '').sort();
}

/** orders-api provisioned onto network `egress` (RecordMembership records it as the network's member). */
async function provisionedMember(before?: () => Promise<void>): Promise<{ result: ProvisionResult; functionName: string; roleName: string; original: FunctionConfiguration }> {
  const { functionName, roleName } = await freshAccountWithFunction();
  await before?.();
  const original = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  await queueProbeAnswers(passingProbe());
  // A function in a VPC of its own moves only when asked (docs/preflight.md "Moving a function").
  const run = await provision({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single' }, moveFromVpc: true });
  expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  return { result: run.output as ProvisionResult, functionName, roleName, original };
}

describe('release.asl.json (local runner + real handlers + moto)', () => {
  it("puts a function from the user's own dual-stack VPC back byte for byte, other settings untouched, and the role as it was", async () => {
    // GIVEN a function in the user's own VPC (dual-stack allowed), with a role that had no VPC access policy... until the user's setup
    const { result, functionName, roleName, original } = await provisionedMember(async () => {
      const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.90.0.0/16' }));
      const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.90.1.0/24', AvailabilityZone: 'us-east-1a' }));
      const group = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc.Vpc!.VpcId!, GroupName: 'orders', Description: 'orders-api' }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'orders-api-role', PolicyArn: VPC_ACCESS }));
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'orders-api',
          VpcConfig: { SubnetIds: [subnet.Subnet!.SubnetId!], SecurityGroupIds: [group.GroupId!], Ipv6AllowedForDualStack: true },
        }),
      );
    });
    const rolePoliciesBefore = await policies(roleName);
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).VpcConfig?.SubnetIds).toEqual(result.network.privateSubnetIds);

    // WHEN it is released
    const run = await release({ functionName });

    // THEN its configuration is the one from before the provision, the role's policies too, and it is no member
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    const now = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(settings(now)).toEqual(settings(original));
    expect(now.VpcConfig?.Ipv6AllowedForDualStack).toBe(true);
    expect(await policies(roleName)).toEqual(rolePoliciesBefore);
    expect(await readMembership(await registry(), result.functionArn)).toBeUndefined();
    expect((await readNetwork(await registry(), 'egress')).lock).toBeUndefined();
  });

  it('attaches the VPC access policy for the release and detaches it only once the released ENIs are gone, so the role ends as before', async () => {
    // GIVEN a member outside any VPC before, whose role had no VPC access policy, and a Lambda ENI of its configuration
    const { result, functionName, roleName } = await provisionedMember();
    expect(await policies(roleName)).not.toContain(VPC_ACCESS);
    const eni = await lambdaEni(result.network.privateSubnetIds[0]!, result.network.securityGroupId!);
    // and no other function on that configuration (the probe's sharing would keep the ENI in use, nothing to wait for)
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'lambda-egress-probe-egress' }));
    const attachedWhileWaiting: boolean[] = [];
    const resolveTask: LocalRunOptions['resolveTask'] = (name) => {
      const real = registryTask(name);
      if (name !== 'RestoreRolePolicy') return real;
      return async (input) => {
        const output = await real(input);
        attachedWhileWaiting.push((await policies(roleName)).includes(VPC_ACCESS));
        // Lambda deletes the ENI after the first look (moto never does)
        if (attachedWhileWaiting.length === 1) await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
        return output;
      };
    };

    // WHEN it is released
    const run = await release({ functionName }, { resolveTask });

    // THEN the policy was on the role while the ENI was there, and is gone after
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(timesEntered(run, 'WaitForFunctionEnis')).toBe(1);
    expect(attachedWhileWaiting).toEqual([true, false]);
    expect(await policies(roleName)).not.toContain(VPC_ACCESS);
    const now = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect([now.VpcConfig?.SubnetIds ?? [], now.VpcConfig?.SecurityGroupIds ?? []]).toEqual([[], []]);
  });

  it('fails FunctionUpdateTimeout when Lambda keeps the update InProgress, gives the lock back and keeps the membership (fault proxy: a pending state moto cannot hold)', async () => {
    // GIVEN a member whose VPC configuration update, once sent, Lambda reports InProgress for good
    const { result, functionName } = await provisionedMember();
    let injected = false;
    const resolveTask: LocalRunOptions['resolveTask'] = (name) => {
      const real = registryTask(name);
      if (name !== 'CheckFunctionUpdate') return real;
      return async (input) => {
        if (!injected) {
          injected = true;
          await emulator.inject({ service: 'lambda', action: 'GetFunctionConfiguration', times: 100, fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] } });
        }
        return real(input);
      };
    };

    // WHEN it is released
    const run = await release({ functionName }, { resolveTask });
    await emulator.clearFaults();

    // THEN the bounded wait ends in FunctionUpdateTimeout, the lock is free and the membership kept for a re-run
    expect([run.status, run.error]).toEqual(['FAILED', 'FunctionUpdateTimeout']);
    expect(timesEntered(run, 'CheckFunctionUpdate')).toBe(61);
    const network = await readNetwork(await registry(), 'egress');
    expect(network.lock).toBeUndefined();
    expect(await readMembership(await registry(), result.functionArn)).toBeDefined();
  });

  it('fails InvalidRequest naming a function that is no member, and changes nothing', async () => {
    const { functionName } = await freshAccountWithFunction('billing-api');
    await registry();
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    const everything = await describeEverything();

    const run = await release({ functionName });

    expect([run.status, run.error]).toEqual(['FAILED', 'InvalidRequest']);
    expect(run.cause).toContain('billing-api is not a member of any lambda-egress network');
    expect(settings(await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })))).toEqual(settings(before));
    expect(await describeEverything()).toEqual(everything);
  });

  it('of the last member of a network created with deleteWhenUnused: true, continues into the teardown without being asked', async () => {
    // GIVEN a member of a network whose creating request said deleteWhenUnused
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const provisioned = await provision({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single', deleteWhenUnused: true } });
    expect([provisioned.status, provisioned.error]).toEqual(['SUCCEEDED', undefined]);
    expect((await readNetwork(await registry(), 'egress')).record?.deleteWhenUnused).toBe(true);

    // WHEN it is released, without teardownIfUnused
    const run = await release({ functionName });

    // THEN the network went with it
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(timesEntered(run, 'TeardownNetwork')).toBeGreaterThanOrEqual(1);
    expect(await taggedForNetwork('egress')).toEqual([]);
    expect((await readNetwork(await registry(), 'egress')).record).toBeUndefined();
  });

  it('with teardownIfUnused and no member left, continues into the teardown: nothing tagged for the network remains', async () => {
    const { result, functionName } = await provisionedMember();
    const eni = await lambdaEni(result.network.privateSubnetIds[0]!, result.network.securityGroupId!, 'AWS Lambda VPC ENI-lambda-egress-probe-egress-1');
    // the probe's ENI is detached and stays (Lambda's clean-up is slow): the release gives up waiting, teardown deletes it
    const run = await release({ functionName, teardownIfUnused: true });

    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(timesEntered(run, 'TeardownNetwork')).toBeGreaterThanOrEqual(1);
    expect(await taggedForNetwork('egress')).toEqual([]);
    expect(await networkInterfaceIds()).not.toContain(eni);
    expect((await readNetwork(await registry(), 'egress')).record).toBeUndefined();
  });
});
