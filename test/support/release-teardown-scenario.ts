import { DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { ProvisionResult } from '../../functions/report/types';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally, type LocalRunResult } from '../../statemachine/local-runner';
import { liveResources } from './tagged-network';
import type { Scenario } from './scenario';
import { freshAccountWithFunction } from './harness';
import { definitionsValidated } from './validated-definitions';
import { ec2, lambdaEni, taggedForNetwork } from './lifecycle-fixture';

/**
 * Everything live that lambda-egress did not create for the network, but the main route table and default
 * security group AWS made with the network's own VPC and the detached Lambda ENIs left in it (they go with it:
 * the teardown sweeps them): must never change.
 */
async function notOurs(vpcId: string): Promise<string[]> {
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

interface Prepared {
  readonly vpcId: string;
  readonly othersBefore: string[];
}

let runs = 0;

/**
 * orders-api, member of `egress` (one AZ, one NAT, its alarms) with a detached Lambda ENI left in the network's
 * subnet, released with teardownIfUnused: every mutating call of the release and of the teardown it continues into.
 */
export const releaseAndTeardown: Scenario = {
  name: 'release + teardown of a network with NAT alarms and a lingering Lambda ENI',
  async prepare() {
    const fn = await freshAccountWithFunction('orders-api');
    return { ...fn, request: { functionName: fn.functionName, network: { name: 'egress', azCount: 1, natGateways: 'single', alarms: true } } };
  },
  after: {
    actions: ['UpdateFunctionConfiguration', 'AttachRolePolicy', 'DetachRolePolicy', 'DeleteNatGateway', 'DeleteNetworkInterface', 'DeleteAlarms', 'DeleteSubnet', 'DeleteVpc'],
    async prepare(provisioned: LocalRunResult): Promise<Prepared> {
      const { network } = provisioned.output as ProvisionResult;
      await lambdaEni(network.privateSubnetIds[0]!, network.securityGroupId!, 'AWS Lambda VPC ENI-lambda-egress-probe-egress-0');
      return { vpcId: network.vpcId, othersBefore: await notOurs(network.vpcId) };
    },
    run() {
      runs += 1;
      return runLocally(
        { functionName: 'orders-api', teardownIfUnused: true },
        { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', executionName: `fault-${process.pid}-${runs}`, skipWaits: true, skipRetryIntervals: true, definitionValidated: definitionsValidated() },
      );
    },
    // A throttle is retried: the run ends as a clean one, nothing tagged for the network left, nothing else touched.
    async throttled(run, prepared) {
      const { vpcId, othersBefore } = prepared as Prepared;
      if (run.status !== 'SUCCEEDED') return `${run.status} ${run.error} ${run.cause?.slice(0, 300)}`;
      const left = await taggedForNetwork('egress');
      if (left.length > 0) return `left ${left.join(', ')}`;
      const others = await notOurs(vpcId);
      return JSON.stringify(others) === JSON.stringify(othersBefore) ? undefined : `changed what is not the network's: ${JSON.stringify(others)} != ${JSON.stringify(othersBefore)}`;
    },
    // A denial ends in a named failure whose cause says what happened (and what is left), and nothing that is not the network's was touched.
    async failed(run, prepared, message) {
      const { vpcId, othersBefore } = prepared as Prepared;
      if (run.status !== 'FAILED' || !run.error || !run.cause?.includes(message)) return `expected FAILED naming "${message}", got ${run.status} ${run.error} ${run.cause?.slice(0, 300)}`;
      const others = await notOurs(vpcId);
      return JSON.stringify(others) === JSON.stringify(othersBefore) ? undefined : `changed what is not the network's: ${JSON.stringify(others)} != ${JSON.stringify(othersBefore)}`;
    },
  },
};
