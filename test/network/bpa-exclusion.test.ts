import { SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateVpcCommand, DescribeVpcBlockPublicAccessExclusionsCommand, EC2Client, type VpcBlockPublicAccessExclusion } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { handler as ensureVpc } from '../../functions/network/ensure-vpc';
import { handler as validateRequest } from '../../functions/validate/validate-request';
import type { ProvisionResult } from '../../functions/report/types';
import { rollback } from '../../functions/rollback/rollback';
import { blockPublicAccessRewrite } from '../../local/proxy/block-public-access';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS } from '../support/run-cli';
import { runInMemory } from '../support/run-in-memory';
import { execution, runNetworkTasks } from '../support/workflow';

/**
 * network.blockPublicAccessExclusion (functions/network/ensure-bpa-exclusion.ts). moto serves no VPC Block Public
 * Access: the fault proxy answers it as AWS documents it (local/block-public-access.ts), keeping each account's
 * exclusions; the account is put in block-bidirectional by rewriting the options' answer.
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ec2 = new EC2Client({});
const validate = (input: unknown, name = 'bpa') => validateRequest({ input, execution: execution(name) });
const exclusions = async (): Promise<VpcBlockPublicAccessExclusion[]> => (await ec2.send(new DescribeVpcBlockPublicAccessExclusionsCommand({}))).VpcBlockPublicAccessExclusions ?? [];
const tagsOf = (exclusion: VpcBlockPublicAccessExclusion | undefined) => Object.fromEntries((exclusion?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
const request = { functionName: 'orders', network: { name: 'walled', natGateways: 'single', s3Endpoint: false, blockPublicAccessExclusion: true } };

describe('network.blockPublicAccessExclusion (fault proxy: moto lacks BPA, answered as AWS documents it)', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
    await createSampleFunction('orders');
    await emulator.inject(blockPublicAccessRewrite({ mode: 'block-bidirectional' }));
  });

  it('without the field, the block-bidirectional refusal names it as a fix, with zero mutating calls', async () => {
    await emulator.clearCalls();
    await expect(validate({ functionName: 'orders' })).rejects.toMatchObject({
      name: 'InvalidRequest',
      field: 'network',
      message: expect.stringMatching(/block-bidirectional.*let lambda-egress create an allow-egress exclusion for the new VPC \(network\.blockPublicAccessExclusion true; tagged, and deleted by rollback and teardown\)/),
    });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('fails InvalidRequest with an existing VPC, which lambda-egress does not change, naming the command, with zero mutating calls', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.64.0.0/16' }))).Vpc!.VpcId!;
    await emulator.clearCalls();
    await expect(validate({ functionName: 'orders', network: { vpcId, blockPublicAccessExclusion: true } })).rejects.toMatchObject({
      name: 'InvalidRequest',
      field: 'network.blockPublicAccessExclusion',
      message: expect.stringMatching(new RegExp(`${vpcId} is an existing VPC, which lambda-egress does not change: exclude it yourself .*create-vpc-block-public-access-exclusion --vpc-id ${vpcId} --internet-gateway-exclusion-mode allow-egress`)),
    });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });

  it('with the field, the request passes; EnsureVpc creates an allow-egress exclusion of the new VPC, tagged at creation and ledgered, once however often it runs', async () => {
    // WHEN the network tasks run
    const run = await runNetworkTasks(request, 'bpa-create');
    // THEN the VPC has one allow-egress exclusion, tagged as lambda-egress's, of this execution
    const vpcId = run.network.vpc.vpcId;
    const [exclusion, ...others] = await exclusions();
    expect(others).toEqual([]);
    expect(exclusion).toMatchObject({ InternetGatewayExclusionMode: 'allow-egress', State: 'create-complete', ResourceArn: expect.stringMatching(new RegExp(`:vpc/${vpcId}$`)) });
    expect(tagsOf(exclusion)).toMatchObject({ 'lambda-egress:managed': 'true', 'lambda-egress:network': 'walled', 'lambda-egress:execution': run.execution.id, 'lambda-egress:role': 'bpa-exclusion' });
    // AND it is in the ledger, for rollback and teardown
    expect(run.ledger).toContainEqual(expect.objectContaining({ kind: 'bpa-exclusion', id: exclusion!.ExclusionId, detail: { vpcId } }));
    // AND EnsureVpc run again (a retry) creates none, and ledgers the same one again
    await emulator.clearCalls();
    const again = await ensureVpc({ execution: run.execution, request: run.request, network: {} });
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
    expect(again.ledger).toContainEqual(expect.objectContaining({ kind: 'bpa-exclusion', id: exclusion!.ExclusionId }));
    expect(await exclusions()).toHaveLength(1);
  });

  it('creates nothing when BPA is off (the field only answers a blocking mode)', async () => {
    await emulator.clearFaults();
    const run = await runNetworkTasks(request, 'bpa-off');
    expect(await exclusions()).toEqual([]);
    expect(run.ledger.filter((entry) => entry.kind === 'bpa-exclusion')).toEqual([]);
  });

  it('Rollback deletes it, found by its execution tag even with an empty ledger', async () => {
    const run = await runNetworkTasks(request, 'bpa-rollback');
    const clients = { ec2, iam: new IAMClient({}), lambda: new LambdaClient({}), cloudwatch: new CloudWatchClient({}), autoscaling: new AutoScalingClient({}), ssm: new SSMClient({}) };
    const report = await rollback(clients, { execution: run.execution, request: run.request, error: { Error: 'ProbeFailed', Cause: '{}' } });
    expect(report.steps).toContainEqual(expect.objectContaining({ kind: 'bpa-exclusion', outcome: 'deleted' }));
    expect((await exclusions()).map((exclusion) => exclusion.State)).toEqual(['delete-complete']);
  });

  it('provision --local ledgers it in the result, and teardown of the network deletes it', async () => {
    const requestFile = join(mkdtempSync(join(tmpdir(), 'bpa-')), 'request.json');
    writeFileSync(requestFile, JSON.stringify(request));
    const target = { local: true, demo: false } as const;
    const provisioned = await runInMemory({ command: 'provision', request: { requestFile, singleNat: true, ipv6: false, s3Endpoint: false, keepVpcAccessPolicy: false }, target, output: { json: true, quiet: true } });
    expect(provisioned.code).toBe(0);
    const result = (JSON.parse(provisioned.out) as { result: ProvisionResult }).result;
    const [exclusion] = await exclusions();
    expect(result.ledger).toContainEqual(expect.objectContaining({ kind: 'bpa-exclusion', id: exclusion!.ExclusionId }));
    // WHEN the function is released and the network torn down
    expect((await runInMemory({ command: 'release', functionName: 'orders', teardownIfUnused: false, target, output: { json: true, quiet: true } })).code).toBe(0);
    const tornDown = await runInMemory({ command: 'teardown', network: 'walled', target, output: { json: true, quiet: true } } as Parameters<typeof runInMemory>[0]);
    // THEN the exclusion is gone with the network
    expect(tornDown.code).toBe(0);
    expect((await exclusions()).map((excluded) => excluded.State)).toEqual(['delete-complete']);
  });
});
