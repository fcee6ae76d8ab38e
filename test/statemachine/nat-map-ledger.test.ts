import { DescribeAddressesCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { emulator } from '../../local/emulator-control';
import { registryTask, type LocalRunOptions } from '../../statemachine/local-runner';
import { freshAccountWithFunction, functionSnapshot, provision, timesEntered } from './harness';
import { publicOnlyVpc } from './scenarios';

const ec2 = new EC2Client({});
const TAG_DESCRIBES = ['DescribeNatGateways', 'DescribeAddresses'] as const;

/**
 * Instrumentation, not a mock: the real handlers; when Rollback first starts, every later DescribeNatGateways and
 * DescribeAddresses answers without tags, as a Describe can before a new resource's tags have propagated (EC2 is
 * eventually consistent: https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). A Rollback
 * that finds what it must undo only by its execution tag then misses it.
 */
function tagsMissingFromRollback(): LocalRunOptions['resolveTask'] {
  let injected = false;
  return (name) => {
    const real = registryTask(name);
    if (name !== 'Rollback') return real;
    return async (input) => {
      if (!injected) {
        injected = true;
        const calls = await emulator.calls();
        for (const action of TAG_DESCRIBES) {
          const before = calls.filter((call) => call.action === action).length;
          await emulator.inject({
            service: 'ec2',
            action,
            nth: before + 1,
            times: -1,
            fault: { type: 'rewrite', replacements: [{ pattern: '<tagSet>[\\s\\S]*?</tagSet>', replacement: '<tagSet/>' }] },
          });
        }
      }
      return real(input);
    };
  };
}

describe('a half-failed NAT Map keeps the ledger of what it created (existing VPC, 2 AZs)', () => {
  it("fails with the second CreateNatGateway's error (fault proxy: NatGatewayLimitExceeded for good) and Rollback leaves no NAT gateway and no Elastic IP, though its tag Describes miss them (fault proxy: tags rewritten away)", async () => {
    // GIVEN a user's VPC with public subnets in two AZs and no NAT, and a function to give egress
    const { functionName, roleName } = await freshAccountWithFunction('billing-api');
    const vpcId = await publicOnlyVpc();
    const before = await functionSnapshot(functionName, roleName);
    // AND the second CreateNatGateway (and every later one) fails for good, so one AZ's item ends with its NAT and
    // EIP created and the other with an EIP allocated and no NAT
    await emulator.inject({
      service: 'ec2',
      action: 'CreateNatGateway',
      nth: 2,
      times: -1,
      fault: { type: 'error', code: 'NatGatewayLimitExceeded', status: 400, message: 'The maximum number of NAT gateways has been reached.' },
    });

    // WHEN the workflow runs, and its Rollback's Describes answer without tags
    const run = await provision({ functionName, network: { vpcId, name: 'existing' } }, { resolveTask: tagsMissingFromRollback() });

    // THEN it failed with the injected error, by its name, after a Rollback
    expect([run.status, run.error, timesEntered(run, 'Rollback') > 0]).toEqual(['FAILED', 'NatGatewayLimitExceeded', true]);
    // AND no NAT gateway is left (none but deleted ones) and no Elastic IP
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ?? [];
    const addresses = (await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
    expect({
      natGatewaysNotDeleted: nats.filter((nat) => nat.State !== 'deleted').map((nat) => nat.NatGatewayId),
      elasticIps: addresses.map((address) => address.AllocationId),
    }).toEqual({ natGatewaysNotDeleted: [], elasticIps: [] });
    // AND the faults were in the way: one NAT gateway was created, one refused, and Rollback's tag Describes were rewritten
    const calls = await emulator.calls();
    expect(calls.filter((call) => call.action === 'CreateNatGateway').map((call) => [call.status, call.injected ?? 'none'])).toEqual([
      [200, 'none'],
      [400, 'error'],
    ]);
    expect(nats.length).toBe(1);
    for (const action of TAG_DESCRIBES) expect([action, calls.some((call) => call.action === action && call.injected === 'rewrite')]).toEqual([action, true]);
    // AND the function is as it was
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  });
});
