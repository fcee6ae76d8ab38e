import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DeleteSecurityGroupCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateAliasCommand, DeleteAliasCommand, DeleteFunctionCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { removeMembership } from '../../functions/shared/registry/delete-membership';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { TEARDOWN_DEFINITION_PATH } from '../../statemachine/definition';
import { registryTask, runLocally } from '../../statemachine/local-runner';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { describeEverything, ec2, lambda, registry, taggedForNetwork, teardown } from '../support/lifecycle-fixture';

/**
 * A network nobody is a member of, but which the function's published version 1 (alias `live`) still uses, and
 * whose security group a user's group references in an inbound rule: on AWS, DeleteSubnet and DeleteSecurityGroup
 * would answer DependencyViolation for as long as those exist (moto checks neither, so only the refusal shows it).
 */
async function heldNetwork(): Promise<{ result: ProvisionResult; functionName: string; userGroupId: string }> {
  const { functionName } = await freshAccountWithFunction();
  await queueProbeAnswers(passingProbe());
  const run = await provision({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single' } });
  expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
  const result = run.output as ProvisionResult;
  // the user published a version while the function was on the network (as the README suggests), then released it
  await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
  await lambda.send(new CreateAliasCommand({ FunctionName: functionName, Name: 'live', FunctionVersion: '1' }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } }));
  await removeMembership(await registry(), result.functionArn);
  // and a user's group lets the network's group in on 5432
  const userGroupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'the database', VpcId: result.network.vpcId }))).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: userGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: result.network.securityGroupId! }] }] }),
  );
  return { result, functionName, userGroupId };
}

describe('teardown refuses up front, by name, what would never let the network go', () => {
  it('fails TeardownBlocked naming the published version (with its alias) and the other group\'s rule, each with the command that frees it, before any mutating call', async () => {
    // GIVEN the held network
    const { result, functionName, userGroupId } = await heldNetwork();
    const before = await describeEverything();
    const callsBefore = (await emulator.calls()).length;

    // WHEN a teardown is asked for
    const run = await teardown('egress');

    // THEN it is refused by name, naming function:version, its alias, the group's rule and the commands that free them
    expect([run.status, run.error]).toEqual(['FAILED', 'TeardownBlocked']);
    for (const named of [
      `${functionName}:1`,
      'aliases live',
      `aws lambda delete-alias --function-name ${functionName} --name live`,
      `aws lambda delete-function --function-name ${functionName} --qualifier 1`,
      `${userGroupId} rule`,
      `inbound rule from the network's ${result.network.securityGroupId}`,
      `aws ec2 revoke-security-group-ingress --group-id ${userGroupId} --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=${result.network.securityGroupId}}]'`,
      'Nothing was deleted',
    ]) {
      expect(run.cause).toContain(named);
    }
    expect(run.cause).not.toContain('$LATEST');
    // AND no mutating call was made (not even the lock), everything is still there, and the registry still has it ready
    expect(mutatingCalls((await emulator.calls()).slice(callsBefore))).toEqual([]);
    expect(await describeEverything()).toEqual(before);
    expect((await readNetwork(await registry(), 'egress')).record?.state).toBe('ready');
  });

  it('tears the network down once the named commands were run', async () => {
    // GIVEN the held network, and the user running what TeardownBlocked named (and removing their own group)
    const { result, functionName, userGroupId } = await heldNetwork();
    await lambda.send(new DeleteAliasCommand({ FunctionName: functionName, Name: 'live' }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: '1' }));
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: userGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: result.network.securityGroupId! }] }] }),
    );
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: userGroupId }));

    // WHEN a teardown is asked for
    const run = await teardown('egress');

    // THEN it goes through and nothing tagged for the network is left
    expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(await taggedForNetwork('egress')).toEqual([]);
  });

  it('names, during a pass, the cause of a DependencyViolation that appeared after ValidateTeardown looked (fault proxy: DependencyViolation on DeleteSecurityGroup), and ends the teardown with TeardownBlocked', async () => {
    // GIVEN an unused network nothing holds when the teardown validates it
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const provisioned = await provision({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single' } });
    const result = provisioned.output as ProvisionResult;
    await removeMembership(await registry(), result.functionArn);
    // AND, just before the first pass, the function's owner publishes a version on the network, so AWS refuses
    // to delete the network's security group (moto would not: the proxy answers DependencyViolation as AWS does)
    let published = false;
    const resolveTask = (name: string) => {
      const real = registryTask(name);
      if (name !== 'TeardownNetwork') return real;
      return async (input: unknown) => {
        if (!published) {
          published = true;
          await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
          await emulator.inject({
            service: 'ec2',
            action: 'DeleteSecurityGroup',
            times: -1,
            fault: { type: 'error', code: 'DependencyViolation', status: 400, message: `resource ${result.network.securityGroupId} has a dependent object` },
          });
        }
        return real(input);
      };
    };

    // WHEN the teardown runs
    const run = await runLocally({ network: 'egress' }, { definitionPath: TEARDOWN_DEFINITION_PATH, stateMachineName: 'lambda-egress-teardown', executionName: `teardown-blocked-${process.pid}`, skipWaits: true, skipRetryIntervals: true, resolveTask });

    // THEN the first pass names the version behind the DependencyViolation and ends the teardown, without waiting
    expect([run.status, run.error, timesEntered(run, 'TeardownNetwork')]).toEqual(['FAILED', 'TeardownBlocked', 1]);
    for (const named of [`security-group ${result.network.securityGroupId} (DependencyViolation)`, `${functionName}:1`, `aws lambda delete-function --function-name ${functionName} --qualifier 1`, "stays 'deleting'"]) {
      expect(run.cause).toContain(named);
    }
    expect((await readNetwork(await registry(), 'egress')).record?.state).toBe('deleting');
  });
});
