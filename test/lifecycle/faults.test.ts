import { DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { ProvisionResult } from '../../functions/report/types';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { emulator, mutatingCalls } from '../../local/emulator-control';
import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally } from '../../statemachine/local-runner';
import { liveResources } from '../rollback/tagged-network';
import { freshAccountWithFunction, passingProbe, provision, queueProbeAnswers } from '../statemachine/harness';
import { ec2, lambda, lambdaEni, taggedForNetwork } from './lifecycle-fixture';

jest.setTimeout(900_000);

const THROTTLING: Record<string, { code: string; status: number }> = {
  ec2: { code: 'RequestLimitExceeded', status: 503 },
  lambda: { code: 'TooManyRequestsException', status: 429 },
  iam: { code: 'Throttling', status: 400 },
  dynamodb: { code: 'ThrottlingException', status: 400 },
  monitoring: { code: 'Throttling', status: 400 },
};
const DENIED: Record<string, { code: string; status: number }> = {
  ec2: { code: 'UnauthorizedOperation', status: 403 },
  lambda: { code: 'AccessDeniedException', status: 403 },
  iam: { code: 'AccessDenied', status: 403 },
  dynamodb: { code: 'AccessDeniedException', status: 400 },
  monitoring: { code: 'AccessDenied', status: 403 },
};

let runs = 0;
/** A member of `egress` (with its NAT alarms) and a detached Lambda ENI, released with teardownIfUnused: every mutating call of both workflows. */
async function prepared(): Promise<{ first: FunctionConfiguration; vpcId: string }> {
  const { functionName } = await freshAccountWithFunction();
  const first = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  await queueProbeAnswers(passingProbe());
  const run = await provision({ functionName, network: { name: 'egress', azCount: 1, natGateways: 'single', alarms: true } });
  expect([run.status, run.error]).toEqual(['SUCCEEDED', undefined]);
  const result = run.output as ProvisionResult;
  await lambdaEni(result.network.privateSubnetIds[0]!, result.network.securityGroupId!, 'AWS Lambda VPC ENI-lambda-egress-probe-egress-0');
  return { first, vpcId: result.network.vpcId };
}

const releaseAndTeardown = () => {
  runs += 1;
  return runLocally({ functionName: 'orders-api', teardownIfUnused: true }, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `fault-${runs}`, skipWaits: true, skipRetryIntervals: true });
};

/**
 * Everything live that lambda-egress did not create for the network, but the main route table and default
 * security group AWS made with the network's own VPC and the detached Lambda ENIs left in it (they go with it:
 * the teardown sweeps them): must never change.
 */
async function notOurs(vpcId: string): Promise<unknown> {
  const inVpc = [{ Name: 'vpc-id', Values: [vpcId] }];
  const [tables, groups, interfaces] = await Promise.all([
    ec2.send(new DescribeRouteTablesCommand({ Filters: inVpc })),
    ec2.send(new DescribeSecurityGroupsCommand({ Filters: inVpc })),
    ec2.send(new DescribeNetworkInterfacesCommand({ Filters: inVpc })),
  ]);
  const lambdaEnis = (interfaces.NetworkInterfaces ?? []).filter((eni) => eni.Description?.startsWith('AWS Lambda VPC ENI-'));
  const withOurVpc = new Set([
    ...(tables.RouteTables ?? []).map((table) => table.RouteTableId),
    ...(groups.SecurityGroups ?? []).map((group) => group.GroupId),
    ...lambdaEnis.map((eni) => eni.NetworkInterfaceId),
  ]);
  return (await liveResources(ec2)).filter((resource) => !resource.tags.some((tag) => tag.Key === TAG_NETWORK) && !withOurVpc.has(resource.id)).map((resource) => resource.id).sort();
}

describe('release + teardown under faults (fault proxy: throttling and AccessDenied that moto cannot produce)', () => {
  it('survives a throttle of every mutating call once, and reports clearly, deleting nothing of anyone else, when any one is denied', async () => {
    // GIVEN the mutating calls of a clean release that continues into the teardown
    await prepared();
    const before = (await emulator.calls()).length;
    const clean = await releaseAndTeardown();
    expect([clean.status, clean.error]).toEqual(['SUCCEEDED', undefined]);
    const all = await emulator.calls();
    const mutating = mutatingCalls(all.slice(before));
    const calls = all.slice(before).filter((call) => mutating.includes(call.action) && (call.action !== 'PutEvents'));
    const actions = [...new Map(calls.map((call) => [`${call.service}:${call.action}`, call])).values()];
    expect(actions.map((call) => call.action)).toEqual(expect.arrayContaining(['UpdateFunctionConfiguration', 'AttachRolePolicy', 'DetachRolePolicy', 'DeleteNatGateway', 'DeleteNetworkInterface', 'DeleteAlarms', 'DeleteSubnet', 'DeleteVpc']));

    for (const call of actions) {
      for (const [kind, fault] of [['throttle', THROTTLING[call.service]], ['deny', DENIED[call.service]]] as const) {
        // WHEN the first call of that action in the release is throttled (or denied)
        const { vpcId } = await prepared();
        const setupCalls = (await emulator.calls()).filter((made) => made.action === call.action).length;
        const othersBefore = await notOurs(vpcId);
        await emulator.inject({ service: call.service, action: call.action, nth: setupCalls + 1, fault: { type: 'error', code: fault!.code, status: fault!.status, message: `injected ${kind}` } });
        const run = await releaseAndTeardown();
        expect([call.action, kind, (await emulator.calls()).some((made) => made.injected === 'error')]).toEqual([call.action, kind, true]);
        // THEN a throttle is retried and the run ends as a clean one; a denial ends in a named failure whose
        // cause says what happened, and nothing that is not the network's was touched
        if (kind === 'throttle') {
          expect([call.action, run.status, run.error]).toEqual([call.action, 'SUCCEEDED', undefined]);
          expect([call.action, await taggedForNetwork('egress')]).toEqual([call.action, []]);
        } else {
          expect([call.action, run.status, run.cause]).toEqual([call.action, 'FAILED', expect.stringMatching(/injected deny/)]);
        }
        expect([call.action, await notOurs(vpcId)]).toEqual([call.action, othersBefore]);
      }
    }
  });
});
