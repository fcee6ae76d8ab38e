import { DescribeAddressesCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { emulator } from '../../local/test-support/emulator-control';
import { registryTask, type LocalRunOptions, type LocalTask } from '../../statemachine/local-runner';
import { freshAccountWithFunction, functionSnapshot, provision, timesEntered } from '../support/harness';
import { publicOnlyVpc } from '../support/scenarios';
import { SEEDS } from './realism-cases';
import { behavioursMet, realismAround } from '../support/realism-suite';

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
    if (name === 'EnsureNatGateway') return secondAzFailsForGood(real);
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

/**
 * Instrumentation, not a mock: the Map's items run the real EnsureNatGateway, but the second AZ's item starts only
 * once the first AZ's has created its NAT gateway (with every retry the realism profile may cost it); from then on
 * every CreateNatGateway fails for good (fault proxy: NatGatewayLimitExceeded). So one AZ ends with its NAT and EIP
 * created, the other with an EIP allocated and no NAT, whatever order the items and the profile's answers take.
 */
function secondAzFailsForGood(real: LocalTask): LocalTask {
  let firstAz: string | undefined;
  let firstCreated: () => void = () => undefined;
  const firstDone = new Promise<void>((resolve) => (firstCreated = resolve));
  return async (input) => {
    const az = (input as { placement?: { az?: string } }).placement?.az ?? 'unknown';
    firstAz ??= az;
    if (az !== firstAz) {
      await firstDone;
      return real(input);
    }
    const result = await real(input);
    const before = (await emulator.calls()).filter((call) => call.action === 'CreateNatGateway').length;
    await emulator.inject({
      service: 'ec2',
      action: 'CreateNatGateway',
      nth: before + 1,
      times: -1,
      fault: { type: 'error', code: 'NatGatewayLimitExceeded', status: 400, message: 'The maximum number of NAT gateways has been reached.' },
    });
    firstCreated();
    return result;
  };
}

/** Plain moto, then the realism profile with each seed (docs/aws-behaviour.md): the same story must hold as AWS behaves. */
const EMULATORS = [['plain moto', undefined] as const, ...SEEDS.map((seed) => [`the realism profile, seed ${seed}`, seed] as const)];

describe('a half-failed NAT Map keeps the ledger of what it created (existing VPC, 2 AZs)', () => {
  it.each(EMULATORS)("on %s: fails with the second CreateNatGateway's error (fault proxy: NatGatewayLimitExceeded for good) and Rollback leaves no NAT gateway and no Elastic IP, though its tag Describes miss them (fault proxy: tags rewritten away)", async (_label, seed) => {
    // GIVEN a user's VPC with public subnets in two AZs and no NAT, and a function to give egress
    const { functionName, roleName } = await freshAccountWithFunction('billing-api');
    const vpcId = await publicOnlyVpc();
    const before = await functionSnapshot(functionName, roleName);
    // AND the second AZ's CreateNatGateway (and every later one) fails for good, once the first AZ's NAT gateway
    // exists (secondAzFailsForGood)

    // WHEN the workflow runs (as AWS behaves, when a seed is given), and its Rollback's Describes answer without tags
    const around = seed === undefined ? undefined : realismAround(seed);
    await around?.before();
    const run = await provision({ functionName, network: { vpcId, name: 'existing' } }, { resolveTask: tagsMissingFromRollback() });
    await around?.after();

    // THEN it failed with the injected error, by its name, after a Rollback
    expect([run.status, run.error, timesEntered(run, 'Rollback') > 0]).toEqual(['FAILED', 'NatGatewayLimitExceeded', true]);
    // AND no NAT gateway is left (none but deleted ones) and no Elastic IP
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NatGateways ?? [];
    const addresses = (await ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
    expect({
      natGatewaysNotDeleted: nats.filter((nat) => nat.State !== 'deleted').map((nat) => nat.NatGatewayId),
      elasticIps: addresses.map((address) => address.AllocationId),
    }).toEqual({ natGatewaysNotDeleted: [], elasticIps: [] });
    // AND the faults were in the way: one NAT gateway was created (after what the profile answered first), then every
    // CreateNatGateway refused, and Rollback's tag Describes were rewritten
    const calls = await emulator.calls();
    const creates = calls.filter((call) => call.action === 'CreateNatGateway').map((call) => [call.status, call.injected ?? 'none'] as const);
    const created = creates.findIndex(([status, injected]) => status === 200 && injected === 'none');
    expect({ created: creates.filter(([status]) => status === 200).length, refusedAfter: creates.slice(created + 1).every(([, injected]) => injected === 'error') }).toEqual({ created: 1, refusedAfter: true });
    expect(creates.slice(created + 1).length).toBeGreaterThanOrEqual(1);
    expect(nats.length).toBe(1);
    // AND under the profile, AWS's behaviours did answer calls of the run (a run it never touched would prove nothing)
    if (seed !== undefined) expect((await behavioursMet()).length).toBeGreaterThanOrEqual(1);
    for (const action of TAG_DESCRIBES) expect([action, calls.some((call) => call.action === action && call.injected === 'rewrite')]).toEqual([action, true]);
    // AND the function is as it was
    expect(await functionSnapshot(functionName, roleName)).toEqual(before);
  }, 5 * 60_000);
});
