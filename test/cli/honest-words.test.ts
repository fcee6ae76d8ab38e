import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startExecution } from '../../cli/aws-mode';
import { UsageError } from '../../cli/io';
import type { ParsedCommand, RequestFlags } from '../../cli/parsed-command';
import { NOT_CHECKED } from '../../cli/networks';
import type { ProvisionResult } from '../../functions/report/types';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';
import { runInMemory } from '../support/run-in-memory';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const iam = new IAMClient({});
const target = { local: true, demo: false } as const;
const output = (json = false) => ({ json, quiet: false }) as const;
const shop: RequestFlags = { functionName: 'orders', network: 'shop', azs: 1, singleNat: true, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false };
const provision = (extra: Partial<Extract<ParsedCommand, { command: 'provision' }>> = {}, json = false): ParsedCommand => ({ command: 'provision', request: shop, target, output: output(json), ...extra });

const rolePolicies = async (roleName: string) => ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((policy) => policy.PolicyName);
/** What the workflow would change: EC2 and Lambda (the local run's own setup writes IAM roles and the registry table). */
const workflowMutations = async () => mutatingCalls((await emulator.calls()).filter((call) => call.service === 'ec2' || call.service === 'lambda'));

describe('the CLI says what is true', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
    await createSampleFunction('orders');
  });

  it('refuses a reused --execution-name before anything is changed, and a repeat provision reports the policy the role does not have as not there', async () => {
    // GIVEN orders provisioned onto "shop" by an execution named first
    const first = await runInMemory(provision({ executionName: 'first' }));
    expect([first.code, first.out]).toEqual([0, expect.stringContaining('(new network)')]);
    expect(await rolePolicies('orders-role')).toEqual([]);

    // WHEN the same execution name is used again
    await emulator.clearCalls();
    const again = await runInMemory(provision({ executionName: 'first' }));
    // THEN it is refused as Step Functions refuses it (exit 2), naming the flag, and nothing of the workflow ran
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/error: --execution-name: an execution named "first" already ran in this emulator \(its resources carry lambda-egress:execution=.*:first: vpc-/);
    expect(again.out).not.toContain('new network');
    expect(await workflowMutations()).toEqual([]);

    // WHEN orders is provisioned again, under a new execution
    const repeat = await runInMemory(provision({}, true));
    // THEN it is a read-only no-op (docs/joins.md "A repeated request"): the result says so, claims no policy attached
    // or detached, and the role still has no policy; the text does not claim it "already attached"
    const result = (JSON.parse(repeat.out) as { result: ProvisionResult }).result;
    expect(result.alreadyMember).toBe(true);
    expect(result.function.vpcAccessPolicy).toMatchObject({ attachedByExecution: false, detached: false });
    expect(await rolePolicies('orders-role')).toEqual([]);
    const text = await runInMemory(provision());
    expect(text.out).toContain('orders already has egress through network "shop"');
    expect(text.out).not.toContain('already attached');
    expect(text.out).toContain('(network reused)');
  });

  it('names every field of a request that breaks the schema in one error, before anything is changed', async () => {
    // GIVEN a request file with three mistakes
    const requestFile = join(mkdtempSync(join(tmpdir(), 'honest-')), 'request.json');
    writeFileSync(requestFile, JSON.stringify({ functionName: 'orders', network: { name: 'shop', azCount: 9, natGateways: 'many' }, probe: { url: 'ftp://example.com/' } }));
    await emulator.clearCalls();
    // WHEN provision runs it
    const run = await runInMemory(provision({ request: { requestFile, singleNat: false, ipv6: false, s3Endpoint: true, keepVpcAccessPolicy: false } }, true));
    // THEN one InvalidRequest (exit 2) lists all three fields, and nothing of the workflow ran
    expect(run.code).toBe(2);
    const error = (JSON.parse(run.out) as { error: { name: string; message: string; details: { field: string; violations: { field: string }[] } } }).error;
    expect(error.name).toBe('InvalidRequest');
    expect(error.details.violations.map((violation) => violation.field).sort()).toEqual(['network.azCount', 'network.natGateways', 'probe.url']);
    expect(error.message).toMatch(/and 2 more: /);
    for (const field of ['network.azCount', 'network.natGateways', 'probe.url']) expect(error.message).toContain(field);
    expect(await workflowMutations()).toEqual([]);
  });

  it('networks says the state is the recorded one, and what it did not check', async () => {
    // GIVEN a provisioned network
    expect((await runInMemory(provision())).code).toBe(0);
    // WHEN networks lists it
    const listed = await runInMemory({ command: 'networks', target, output: output() });
    // THEN "recorded ready", and the note naming diagnose for the path
    expect(listed.out).toContain('Network "shop"  recorded ready');
    expect(listed.out).toContain(NOT_CHECKED);
    expect(listed.out).not.toMatch(/"shop" {2}ready/);
  });

  it('plan --release refuses --network, and plan --teardown refuses --function, instead of ignoring them', async () => {
    for (const [argv, wrong] of [[['plan', '--release', '-f', 'orders', '--network', 'other', '--local'], '--network'], [['plan', '--teardown', '--network', 'shop', '-f', 'orders', '--local'], '--function']] as const) {
      // WHEN the flag that means nothing to the plan is given
      const run = await runCli(argv);
      // THEN exit 2 naming it, nothing planned
      expect([argv.join(' '), run.code, run.stdout]).toEqual([argv.join(' '), 2, '']);
      expect(run.stderr).toContain(`does not take ${wrong}`);
    }
  });

  it('on AWS, a reused --execution-name is a usage error naming the flag (Step Functions answers ExecutionAlreadyExists)', async () => {
    // GIVEN a state machine with an execution named orders-1 (Step Functions in moto)
    const sfn = new SFNClient({});
    const machine = await sfn.send(
      new CreateStateMachineCommand({ name: 'provision-names', roleArn: 'arn:aws:iam::123456789012:role/sfn', definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }) }),
    );
    await startExecution(sfn, machine.stateMachineArn ?? '', { functionName: 'orders' }, 'orders-1');
    // WHEN another request is started under the same name
    const again = startExecution(sfn, machine.stateMachineArn ?? '', { functionName: 'billing' }, 'orders-1');
    // THEN a UsageError (exit 2) that names the flag and what to do
    await expect(again).rejects.toBeInstanceOf(UsageError);
    await expect(startExecution(sfn, machine.stateMachineArn ?? '', { functionName: 'billing' }, 'orders-1')).rejects.toThrow(/^--execution-name: the state machine already has an execution named "orders-1".*choose another name/);
  });
});
