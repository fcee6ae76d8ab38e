import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeInstanceStatusCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Fault } from '../../local/test-support/fault-rules';
import { emulator } from '../../local/test-support/emulator-control';
import { registryTask, type LocalRunOptions } from '../../statemachine/local-runner';
import { resourcesTaggedWith } from '../support/tagged-network';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers, timesEntered } from '../support/harness';

const ec2 = new EC2Client({});
const autoscaling = new AutoScalingClient({});

/** AWS launches an Auto Scaling group's instance `Pending`; moto puts it InService at once. */
const GROUP_INSTANCE_PENDING: Fault = { type: 'rewrite', replacements: [{ pattern: '<LifecycleState>InService</LifecycleState>', replacement: '<LifecycleState>Pending</LifecycleState>' }] };
/** AWS runs both status checks for minutes after boot (`initializing`); moto answers `ok` at once. */
const STATUS_CHECKS_INITIALIZING: Fault = { type: 'rewrite', replacements: [{ pattern: '<status>ok</status>', replacement: '<status>initializing</status>' }] };

/**
 * Instrumentation, not a mock: the real handlers; when CheckNatGateways first starts (EnsureNatGateway's own
 * DescribeAutoScalingGroups calls are over), the next `times` answers of each action get its fault.
 */
function faultsFromFirstCheck(rules: ReadonlyArray<{ action: string; service: string; times: number; fault: Fault }>): LocalRunOptions['resolveTask'] {
  let injected = false;
  return (name) => {
    const real = registryTask(name);
    if (name !== 'CheckNatGateways') return real;
    return async (input) => {
      if (!injected) {
        injected = true;
        const calls = await emulator.calls();
        for (const { action, service, times, fault } of rules) {
          await emulator.inject({ service, action, nth: calls.filter((call) => call.action === action).length + 1, times, fault });
        }
      }
      return real(input);
    };
  };
}

describe('natGateways "instance": ready only once the instance is InService and passes its status checks', () => {
  it('waits in the NAT loop while the group\'s instance is Pending and its status checks are initializing (fault proxy: Pending, then initializing twice), then goes on', async () => {
    // GIVEN a user function outside any VPC, and moto answering as AWS does after a launch: the Auto Scaling
    // group's instance Pending at the first check, its status checks initializing at the next two
    const { functionName } = await freshAccountWithFunction();
    await queueProbeAnswers(passingProbe());
    const resolveTask = faultsFromFirstCheck([
      { service: 'autoscaling', action: 'DescribeAutoScalingGroups', times: 1, fault: GROUP_INSTANCE_PENDING },
      { service: 'ec2', action: 'DescribeInstanceStatus', times: 2, fault: STATUS_CHECKS_INITIALIZING },
    ]);

    // WHEN the workflow runs in instance mode
    const run = await provision({ functionName, network: { name: 'nat-instance', natGateways: 'instance' } }, { resolveTask });

    // THEN it succeeds after four checks: Pending, initializing, initializing, ready; the probe ran after them
    expect([run.status, run.error, timesEntered(run, 'CheckNatGateways'), timesEntered(run, 'RunProbe')]).toEqual(['SUCCEEDED', undefined, 4, 1]);
    const calls = await emulator.calls();
    const injected = (action: string) => calls.filter((call) => call.action === action && call.injected === 'rewrite').length;
    expect([injected('DescribeAutoScalingGroups'), injected('DescribeInstanceStatus')]).toEqual([1, 2]);
    // AND what ended the wait is what AWS would say: each group's instance InService and both checks ok
    const groups = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
    const instanceIds = groups.flatMap((group) => (group.Instances ?? []).map((instance) => instance.InstanceId!));
    const statuses = (await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: instanceIds, IncludeAllInstances: true }))).InstanceStatuses ?? [];
    expect(statuses.map((status) => [status.InstanceStatus?.Status, status.SystemStatus?.Status])).toEqual([
      ['ok', 'ok'],
      ['ok', 'ok'],
    ]);
  });

  it('fails NatGatewayTimeout after the loop\'s bound when the status checks never pass (fault proxy: initializing for good), and rolls back everything', async () => {
    // GIVEN instances whose status checks stay initializing
    const { functionName } = await freshAccountWithFunction();
    const resolveTask = faultsFromFirstCheck([{ service: 'ec2', action: 'DescribeInstanceStatus', times: -1, fault: STATUS_CHECKS_INITIALIZING }]);

    // WHEN the workflow runs in instance mode
    const run = await provision({ functionName, network: { name: 'nat-instance', natGateways: 'instance' } }, { resolveTask });

    // THEN the NAT loop gave up on its bound, the probe never ran, and nothing the execution created is left
    expect([run.status, run.error, timesEntered(run, 'RunProbe')]).toEqual(['FAILED', 'NatGatewayTimeout', 0]);
    expect(timesEntered(run, 'CheckNatGateways')).toBeGreaterThan(100);
    expect(await resourcesTaggedWith(ec2, run.executionArn)).toEqual([]);
    expect((await autoscaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups).toEqual([]);
  });
});
