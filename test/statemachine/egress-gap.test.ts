import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { probeFunctionName } from '../../functions/probe/probe-naming';
import type { ProvisionResult } from '../../functions/report/report-result';
import type { RollbackReport } from '../../functions/undo/types';
import { emulator } from '../../local/test-support/emulator-control';
import type { CallRecord } from '../../local/test-support/fault-rules';
import type { LocalRunResult } from '../../statemachine/local-runner';
import { egressGapViolations, switchOrder, type SwitchFacts } from './call-order';
import { freshAccountWithFunction, functionSnapshot, passingProbe, provision, queueProbeAnswers } from '../support/harness';
import { publicOnlyVpc } from '../support/scenarios';
import { describeTopology } from './topology';

const lambda = new LambdaClient({});
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } };

/** A fresh account whose calls the proxy records with what was sent and answered, and the user's function. */
async function recordedAccountWithFunction(): Promise<{ functionName: string; roleName: string }> {
  const fn = await freshAccountWithFunction();
  await emulator.recordDetails();
  return fn;
}

/** The target's path as the run left it: its private subnets' route tables and the NAT gateways they route to. */
async function switchFacts(functionName: string, result: ProvisionResult): Promise<SwitchFacts> {
  const topology = await describeTopology(result.network.vpcId);
  const privateSubnets = topology.subnets.filter((subnet) => result.network.privateSubnetIds.includes(subnet.subnetId));
  return {
    functionName,
    routeTableIds: [...new Set(privateSubnets.map((subnet) => subnet.routeTableId))],
    natGatewayIds: [...new Set(privateSubnets.map((subnet) => subnet.defaultRoute ?? ''))],
    probeFunctionName: probeFunctionName(result.network.name),
  };
}

function rollbackReportOf(run: LocalRunResult): RollbackReport | undefined {
  const exited = run.events.find((event) => event.type === 'StateExited' && 'state' in event && event.state.name === 'Rollback');
  const output = exited && 'state' in exited ? (exited.state.output as { rollback?: RollbackReport } | undefined) : undefined;
  return output?.rollback;
}

const targetUpdates = (calls: readonly CallRecord[], functionName: string) =>
  calls.filter((call) => call.action === 'UpdateFunctionConfiguration' && decodeURIComponent(call.details?.path ?? '').includes(`:function:${functionName}/`));

describe('the egress gap, measured on the calls (prove, then switch)', () => {
  const scenarios: Array<[string, (functionName: string) => Promise<unknown>]> = [
    ['create', async (functionName) => ({ functionName, network: { name: 'egress' } })],
    ['create+IPv6', async (functionName) => ({ functionName, network: { name: 'egress6', ipv6: true } })],
    ['existing', async (functionName) => ({ functionName, network: { name: 'existing', vpcId: await publicOnlyVpc() } })],
  ];

  it.each(scenarios)(
    "%s mode: the function's UpdateFunctionConfiguration comes after the last CreateRoute of its subnets, after every NAT was seen available, and after a passing probe",
    async (_mode, requestFor) => {
      // GIVEN a user's function outside any VPC, and every call of the account recorded
      const { functionName } = await recordedAccountWithFunction();
      const request = await requestFor(functionName);
      await queueProbeAnswers(passingProbe());
      // WHEN the workflow runs
      const run = await provision(request);
      // THEN it succeeded, and the call log shows the function moving only onto a proven path
      expect([run.status, run.error, run.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
      const facts = await switchFacts(functionName, run.output as ProvisionResult);
      const calls = await emulator.calls();
      expect(egressGapViolations(calls, facts)).toEqual([]);
      // and the three milestones were really seen (the check above is not vacuous)
      const order = switchOrder(calls, facts);
      expect([order.lastCreateRouteAt, order.firstAllNatsAvailableAt, order.firstPassingProbeAt, order.switchAt].every((index) => index !== undefined)).toBe(true);
      expect(facts.natGatewayIds.every((id) => id.startsWith('nat-'))).toBe(true);
    },
  );

  it('fails when the function moves before its routes, its NAT gateways and its probe (the call log of the old order, rearranged)', async () => {
    // GIVEN a clean run's call log
    const { functionName } = await recordedAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const run = await provision({ functionName, network: { name: 'egress' } });
    const facts = await switchFacts(functionName, run.output as ProvisionResult);
    const calls = await emulator.calls();
    // WHEN the function's update is moved to where the old order made it (right after the NAT gateways were created)
    const update = calls.findIndex((call) => targetUpdates([call], functionName).length > 0);
    const firstNat = calls.findIndex((call) => call.action === 'CreateNatGateway');
    const rearranged = calls.filter((_, index) => index !== update);
    rearranged.splice(firstNat + 1, 0, calls[update]!);
    // THEN the check names each of the three
    expect(egressGapViolations(rearranged, facts)).toEqual([
      expect.stringMatching(/before the last CreateRoute in rtb-/),
      expect.stringMatching(/before a DescribeNatGateways saw nat-\w+, nat-\w+ available/),
      expect.stringMatching(/before a passing Invoke of lambda-egress-probe-egress/),
    ]);
  });

  it('on a failing probe never touches the function: no UpdateFunctionConfiguration of it, and Rollback has less to undo', async () => {
    // GIVEN a function, and a probe that will time out
    const { functionName, roleName } = await recordedAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(...Array.from({ length: 5 }, () => failingProbe));
    // WHEN the workflow runs
    const run = await provision({ functionName, network: { name: 'egress' } });
    // THEN it failed ProbeFailed, and no call ever changed the function (Rollback's included)
    expect([run.status, run.error]).toEqual(['FAILED', 'ProbeFailed']);
    expect(targetUpdates(await emulator.calls(), functionName)).toEqual([]);
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    expect(config.VpcConfig?.SubnetIds ?? []).toEqual([]);
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
    // and Rollback found the function as it was: nothing to restore, only the network, the probe and the policy to undo
    const report = rollbackReportOf(run);
    expect(report?.steps.find((step) => step.kind === 'function-vpc-config')).toMatchObject({ outcome: 'unchanged' });
    expect(report?.steps.filter((step) => step.outcome === 'restored')).toEqual([]);
    expect(report?.steps.map((step) => step.kind)).toEqual(expect.arrayContaining(['probe-function', 'nat-gateway', 'vpc', 'iam-policy-attachment']));
  });

  it('after the switch, a failure does restore the function (what a failing probe spares Rollback)', async () => {
    // GIVEN a run that moves the function, then fails for good on the last change (detaching the policy)
    const { functionName, roleName } = await recordedAccountWithFunction();
    const before = await functionSnapshot(functionName, roleName);
    await queueProbeAnswers(passingProbe());
    await emulator.inject({ service: 'iam', action: 'DetachRolePolicy', fault: { type: 'error', code: 'AccessDenied', status: 403 } });
    // WHEN the workflow runs
    const run = await provision({ functionName, network: { name: 'egress' } });
    // THEN Rollback had the function's VpcConfig to restore too, and did
    expect([run.status, run.error]).toEqual(['FAILED', 'AccessDenied']);
    expect(targetUpdates(await emulator.calls(), functionName)).toHaveLength(2);
    expect(rollbackReportOf(run)?.steps.find((step) => step.kind === 'function-vpc-config')).toMatchObject({ outcome: 'restored' });
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });
});
