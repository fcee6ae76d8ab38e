import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { emulator } from '../../local/test-support/emulator-control';
import { registryTask, type LocalRunOptions } from '../../statemachine/local-runner';
import { vpcAccessPolicyArn } from '../../functions/function/vpc-access-policy';
import type { RollbackInput } from '../../functions/undo/types';
import { freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';
import { lambdaEni, networkInterfaceIds } from '../support/lifecycle-fixture';
import { resourcesTaggedWith } from '../support/tagged-network';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const IN_USE = { type: 'rewrite', replacements: [{ pattern: '<status>available</status>', replacement: '<status>in-use</status>' }] } as const;

async function rolePolicies(roleName: string): Promise<string[]> {
  return ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '');
}

describe("Rollback detaches AWSLambdaVPCAccessExecutionRole only once the function's ENIs are gone", () => {
  it("keeps the policy on the role while the function's Lambda ENI is in-use (fault proxy: in-use during the first pass), and detaches it after (fault proxy: FunctionUpdateFailed after the attach)", async () => {
    // GIVEN a function whose role lacks the VPC access policy, a passing probe, and Lambda failing to apply the
    // function's new VPC configuration (moto applies it at once: the proxy answers Failed once)
    const { functionName, roleName } = await freshAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(passingProbe());
    const policyArn = vpcAccessPolicyArn(`arn:aws:lambda:us-east-1:${await emulator.account()}:function:${functionName}`);
    const policiesAtEachPass: boolean[] = [];
    let eniId = '';
    const resolveTask: LocalRunOptions['resolveTask'] = (name) => {
      const real = registryTask(name);
      if (name === 'CheckFunctionUpdate') {
        return async (input) => {
          if (timesCalled.check++ === 0) {
            const before = (await emulator.calls()).filter((call) => call.action === 'GetFunctionConfiguration').length;
            await emulator.inject({ service: 'lambda', action: 'GetFunctionConfiguration', nth: before + 1, fault: { type: 'rewrite', replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "Failed"' }] } });
          }
          return real(input);
        };
      }
      if (name !== 'Rollback') return real;
      return async (input) => {
        const pass = timesCalled.rollback++;
        if (pass === 0) {
          // AND the function's Hyperplane ENI on the network's subnet + group, which Lambda holds in-use for the whole first pass
          const attach = (input as RollbackInput).function?.attach;
          eniId = await lambdaEni(attach!.subnetIds[0]!, attach!.securityGroupIds[0]!, `AWS Lambda VPC ENI-${functionName}-1a2b3c`);
          const looks = (await emulator.calls()).filter((call) => call.action === 'DescribeNetworkInterfaces').length;
          await emulator.inject({ service: 'ec2', action: 'DescribeNetworkInterfaces', nth: looks + 1, times: -1, fault: IN_USE });
        } else if (pass === 1) {
          await emulator.clearFaults();
        }
        policiesAtEachPass.push((await rolePolicies(roleName)).includes(policyArn));
        return real(input);
      };
    };
    const timesCalled = { check: 0, rollback: 0 };

    // WHEN the workflow runs
    const run = await provision({ functionName, network: { name: 'egress' } }, { resolveTask });

    // THEN it failed with Lambda's error and rolled back in two passes: the policy was still on the role when the
    // second pass began (the ENI in-use held the first), and the rollback then removed it, the ENI and the network
    expect([run.status, run.error, timesEntered(run, 'Rollback')]).toEqual(['FAILED', 'FunctionUpdateFailed', 1]);
    expect(policiesAtEachPass).toEqual([true, true]);
    expect([eniId.startsWith('eni-'), (await networkInterfaceIds()).includes(eniId)]).toEqual([true, false]);
    expect(await rolePolicies(roleName)).not.toContain(policyArn);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });
});
