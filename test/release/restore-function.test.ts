import { EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { IAMClient } from '@aws-sdk/client-iam';
import { attachFunction } from '../../functions/function/attach-function';
import { recordFunction } from '../../functions/function/record-function';
import { restoreFunction } from '../../functions/release/restore-function';
import type { ReleaseState } from '../../functions/release/types';
import { restoreFunctionVpcConfig } from '../../functions/undo/undo-function';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { buildEgressNetwork, executionNamed, networkSlices, normalizedRequest } from '../support/egress-network';

const ec2 = new EC2Client({});
const iam = new IAMClient({});
const lambda = new LambdaClient({});

/** moto applies an update at once: the proxy makes UpdateFunctionConfiguration's answer say it is still being applied. */
const UPDATE_STILL_APPLYING = {
  service: 'lambda',
  action: 'UpdateFunctionConfiguration',
  fault: { type: 'rewrite' as const, replacements: [{ pattern: '"LastUpdateStatus": ?"Successful"', replacement: '"LastUpdateStatus": "InProgress"' }] },
};

/** A function lambda-egress attached to a network, and the release state of its membership (originally no VPC). */
async function attachedMember(functionName: string): Promise<ReleaseState> {
  const network = await buildEgressNetwork(ec2);
  const fn = await createSampleFunction(functionName);
  const request = normalizedRequest({ functionName, functionArn: fn.FunctionArn! });
  const execution = executionNamed(`exec-${functionName}`);
  const original = await recordFunction({ lambda, iam }, { execution, request });
  await attachFunction({ lambda, ec2 }, { execution, request, function: { original }, network: networkSlices(network) });
  return {
    purpose: 'release',
    execution: executionNamed(`release-${functionName}`),
    request: { network: request.network, functionArn: fn.FunctionArn!, functionName, teardownIfUnused: false },
    membership: {
      network: request.network.name,
      functionArn: fn.FunctionArn!,
      functionName,
      originalVpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false },
      vpcAccessPolicyAttachedBefore: false,
      execution: execution.id,
      recordedAt: new Date().toISOString(),
    },
    networkVpcConfig: { subnetIds: network.privateSubnetIds, securityGroupIds: [network.securityGroupId] },
  };
}

describe('RestoreFunction', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('puts the original VpcConfig back and waits for Lambda to apply it; a second run changes nothing', async () => {
    // GIVEN a member attached to a network, originally outside any VPC
    const state = await attachedMember('restore-fn');
    // WHEN it is restored
    const restored = await restoreFunction({ lambda, iam }, state);
    // THEN it has no VpcConfig again, and the ASL waits for the update
    expect(restored).toMatchObject({ outcome: 'restored', waitForUpdate: true, roleName: 'restore-fn-role' });
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'restore-fn' }));
    expect(after.VpcConfig?.SubnetIds ?? []).toEqual([]);
    // AND a retry finds it restored already
    expect(await restoreFunction({ lambda, iam }, state)).toMatchObject({ outcome: 'unchanged', waitForUpdate: false });
  });

  it('reports restored and waits when Lambda took the update and is still applying it (fault proxy: UpdateFunctionConfiguration answers LastUpdateStatus InProgress)', async () => {
    const state = await attachedMember('applying-fn');
    await emulator.clearFaults(); // restarts the per-action call counters: the rule hits the next call
    await emulator.inject(UPDATE_STILL_APPLYING);
    expect(await restoreFunction({ lambda, iam }, state)).toMatchObject({ outcome: 'restored', waitForUpdate: true });
  });

  it("makes Rollback wait (StillInUse) while Lambda applies the original VpcConfig (fault proxy: UpdateFunctionConfiguration answers LastUpdateStatus InProgress)", async () => {
    const state = await attachedMember('rollback-applying-fn');
    const original = { functionArn: state.membership.functionArn, functionName: 'rollback-applying-fn', roleName: 'rollback-applying-fn-role', vpcConfig: { subnetIds: [], securityGroupIds: [], ipv6AllowedForDualStack: false }, vpcAccessPolicyAttached: false };
    await emulator.clearFaults();
    await emulator.inject(UPDATE_STILL_APPLYING);
    await expect(restoreFunctionVpcConfig(lambda, original)).rejects.toMatchObject({ name: 'StillInUse', message: 'the function is applying its original VPC configuration' });
    // Once applied, the next pass finds the original in place.
    expect(await restoreFunctionVpcConfig(lambda, original)).toBe('unchanged');
  });

  it('fails FunctionUpdateInProgress, for the ASL to retry, when the update was not sent (fault proxy: ResourceConflictException)', async () => {
    const state = await attachedMember('busy-release-fn');
    await emulator.clearFaults();
    await emulator.inject({ service: 'lambda', action: 'UpdateFunctionConfiguration', fault: { type: 'error', code: 'ResourceConflictException', status: 409 } });
    await expect(restoreFunction({ lambda, iam }, state)).rejects.toMatchObject({ name: 'FunctionUpdateInProgress' });
  });
});
