import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_THROTTLING_ERRORS, AWS_TRANSIENT_ERRORS, FAIL_STATE_ERRORS, FINAL_ERRORS, LAMBDA_SERVICE_ERRORS, ROUTED_ERRORS } from '../../functions/shared/errors';
import { TASKS } from '../../functions/shared/task-registry';
import { renderDefinition } from '../../statemachine/asl-builder';
import { GENERATED_DEFINITIONS } from '../../statemachine/build-definition';
import { allStates, placeholdersOf, readDefinitionText, PROVISION_DEFINITION_PATH, type AslDefinition } from '../../statemachine/definition';
import { STANDARD_RETRY } from '../../statemachine/retry-policies';
import { LOCK_WAIT_SECONDS } from '../../functions/shared/registry/lock-policy';
import requestSchema from '../../functions/shared/request.schema.json';

const ASL_VALIDATOR = require.resolve('asl-validator/dist/bin/asl-validator.js');
const validate = (path: string) => spawnSync(process.execPath, [ASL_VALIDATOR, '--json-path', path], { encoding: 'utf8' });

const text = readDefinitionText();
const definition = JSON.parse(text) as AslDefinition;
const states = allStates(definition);
const tasks = states.filter(([, state]) => state.Type === 'Task');

/** AWS's own error names (States.*, SDK exceptions) are not ours to define. */
const AWS_NAMES = new Set<string>([...AWS_THROTTLING_ERRORS, ...LAMBDA_SERVICE_ERRORS, ...AWS_TRANSIENT_ERRORS]);
const isOurs = (name: string) => !name.startsWith('States.') && !AWS_NAMES.has(name);

describe('statemachine/provision.asl.json', () => {
  it('is exactly what npm run build:asl generates from its source (statemachine/provision.definition.ts)', () => {
    const generated = GENERATED_DEFINITIONS.find((entry) => entry.path === PROVISION_DEFINITION_PATH);
    expect(generated).toBeDefined();
    expect(text).toBe(renderDefinition(generated!.source));
  });

  it('is accepted by asl-validator (which does reject a state with a dangling Next)', () => {
    const valid = validate(PROVISION_DEFINITION_PATH);
    expect([valid.status, valid.stdout]).toEqual([0, expect.stringContaining('is valid')]);

    const broken = JSON.parse(text) as { States: Record<string, { Next?: string }> };
    broken.States.EnsureVpc = { ...broken.States.EnsureVpc, Next: 'NoSuchState' };
    const path = join(mkdtempSync(join(tmpdir(), 'asl-')), 'broken.asl.json');
    writeFileSync(path, JSON.stringify(broken));
    expect(validate(path).status).not.toBe(0);
  });

  it('uses only ${<Task>FunctionArn} placeholders, and over provision, release and teardown exactly one per task of functions/shared/task-registry.ts', () => {
    const everyDefinition = new Set(GENERATED_DEFINITIONS.flatMap(({ path }) => placeholdersOf(readDefinitionText(path))));
    expect([...everyDefinition].sort()).toEqual(Object.keys(TASKS).map((name) => `${name}FunctionArn`).sort());
    for (const [name, state] of tasks) expect([name, state.Resource]).toEqual([name, expect.stringMatching(/^\$\{[A-Za-z0-9]+FunctionArn\}$/)]);
  });

  it('names only errors that functions/shared/errors.ts defines (over every definition), and every class there is routed on', () => {
    const named = new Set<string>();
    const raisedByFailStates = new Set<string>();
    const everyState = GENERATED_DEFINITIONS.flatMap(({ path }) => allStates(JSON.parse(readDefinitionText(path)) as AslDefinition));
    for (const [, state] of everyState) {
      for (const block of [...(state.Retry ?? []), ...(state.Catch ?? [])]) block.ErrorEquals.filter(isOurs).forEach((name) => named.add(name));
      if (state.Type === 'Fail' && typeof state.Error === 'string') raisedByFailStates.add(state.Error);
      // Outside a Parallel a Fail state skips Rollback: a Pass records the error at $.error and goes to Rollback instead.
      const recorded = (state.Result as { Error?: unknown } | undefined)?.Error;
      if (state.Type === 'Pass' && state.ResultPath === '$.error' && typeof recorded === 'string') raisedByFailStates.add(recorded);
    }
    // Final errors are routed by the States.ALL Catch (no Catch needs their names); the rest by name.
    expect([...named, ...raisedByFailStates, ...Object.keys(FINAL_ERRORS)].sort()).toEqual(Object.keys(ROUTED_ERRORS).sort());
    expect([...raisedByFailStates].sort()).toEqual(Object.keys(FAIL_STATE_ERRORS).sort());
  });

  it('has no Catch that does what the States.ALL Catch after it does', () => {
    for (const [name, state] of states) {
      const catchAll = state.Catch?.find((block) => block.ErrorEquals.includes('States.ALL'));
      const redundant = (state.Catch ?? []).filter((block) => block !== catchAll && JSON.stringify({ ...block, ErrorEquals: [] }) === JSON.stringify({ ...catchAll, ErrorEquals: [] }));
      expect([name, redundant]).toEqual([name, []]);
    }
  });

  it('retries throttling and Lambda service errors on every task, with back-off, a max delay and jitter (none on the ENI wait, whose minimum is its bound)', () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((block) => block.ErrorEquals);
      expect([name, retried]).toEqual([name, expect.arrayContaining([...AWS_THROTTLING_ERRORS, ...LAMBDA_SERVICE_ERRORS])]);
      expect([name, state.Retry?.slice(0, STANDARD_RETRY.length)]).toEqual([name, STANDARD_RETRY]);
      for (const block of state.Retry ?? []) {
        // Only the ENI wait has no jitter: its minimum total is its promise (test/statemachine/eni-wait-bound.test.ts).
        const jitter = block.ErrorEquals.includes('ResourceStillInUse') ? 'NONE' : 'FULL';
        expect(block).toMatchObject({ BackoffRate: expect.any(Number), MaxDelaySeconds: expect.any(Number), JitterStrategy: jitter });
      }
      expect(state.TimeoutSeconds).toEqual(expect.any(Number));
    }
  });

  it('sends every failure after the first creation to Rollback, and failures before it straight to a Fail', () => {
    const top = definition.States;
    const creating = [
      'AttachVpcAccessPolicyFirst',
      'EnsureVpc',
      'EnsureSubnets',
      'EnsureInternetGateway',
      'PrepareInParallel',
      'EnsureRouteTables',
      'ProveAndAddS3Endpoint',
      'AttachFunction',
      'CheckFunctionUpdate',
      'RecordAndDetach',
      'ReportResult',
    ];
    for (const name of creating) {
      expect([name, top[name]?.Catch?.at(-1)]).toEqual([name, { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Rollback' }]);
    }
    // AND in both Parallels every branch settles: each Task and Map in it (the NAT gateways, the security group, the
    // probe function, the policy, the checks, the probe, the S3 endpoint) catches into a state that ends the branch
    // with its whole state (the error at $.error, and the ledgers of what the branch created before failing), and
    // no Fail state stops a branch, so no branch is still creating when Rollback starts (a running Lambda
    // invocation outlives the branch Step Functions stops around it)
    const settleState = { Type: 'Pass', Comment: expect.any(String), End: true };
    const settled = {
      PrepareInParallel: { choice: 'PreparedInParallel?', at: '$.parallel', raise: ['NatGatewayBranchFailed', 'ProbeFunctionBranchFailed'] },
      ProveAndAddS3Endpoint: { choice: 'ProvedWithS3Endpoint?', at: '$.proof', raise: ['ProbeBranchFailed', 'S3EndpointBranchFailed'] },
      RecordAndDetach: { choice: 'RecordedAndDetached?', at: '$.closing', raise: ['RecordBranchFailed', 'DetachBranchFailed'] },
    };
    expect((top.PrepareInParallel?.Branches ?? []).map((branch) => branch.StartAt)).toEqual(['EnsureNatGateways', 'EnsureSecurityGroup']);
    expect((top.ProveAndAddS3Endpoint?.Branches ?? []).map((branch) => branch.StartAt)).toEqual(['RunProbe', 'EnsureS3Endpoint']);
    for (const [parallel, { choice, at, raise }] of Object.entries(settled)) {
      expect([parallel, top[parallel]?.ResultSelector, top[parallel]?.ResultPath, top[parallel]?.Next]).toEqual([parallel, undefined, at, choice]);
      for (const branch of top[parallel]?.Branches ?? []) {
        const branchStates = Object.entries(branch.States);
        expect([branch.StartAt, branchStates.filter(([, state]) => state.Type === 'Fail' || state.Type === 'Succeed')]).toEqual([branch.StartAt, []]);
        const catching = branchStates.filter(([, state]) => state.Type === 'Task' || state.Type === 'Map');
        expect(catching.length).toBeGreaterThan(0);
        for (const [name, state] of catching) {
          const caught = state.Catch?.at(-1);
          expect([name, caught]).toEqual([name, { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: expect.any(String) }]);
          expect([name, branch.States[caught!.Next]]).toEqual([name, settleState]);
        }
      }
      // AND the Choice after it sends the first failed branch's error, by its name, to Rollback
      expect(top[choice]?.Choices).toEqual(raise.map((next, index) => ({ Variable: `${at}[${index}].error`, IsPresent: true, Next: next })));
      // (the closing Parallel's raise goes through the Choice that hands Rollback the membership written before the failure)
      const failTo = parallel === 'RecordAndDetach' ? 'MembershipRecordedBeforeFailure?' : 'Rollback';
      raise.forEach((name, index) => expect([name, top[name]]).toEqual([name, { Type: 'Pass', InputPath: `${at}[${index}].error`, ResultPath: '$.error', Next: failTo }]));
    }
    expect((top.RecordAndDetach?.Branches ?? []).map((branch) => branch.StartAt)).toEqual(['RecordMembership', 'DetachVpcAccessPolicy']);
    expect(top['MembershipRecordedBeforeFailure?']).toMatchObject({
      Choices: [{ Variable: '$.closing[0].membership', IsPresent: true, Next: 'KeepMembershipForRollback' }],
      Default: 'Rollback',
    });
    expect(top.KeepMembershipForRollback).toEqual({ Type: 'Pass', InputPath: '$.closing[0].membership', ResultPath: '$.membership', Next: 'Rollback' });
    expect(top.ValidateRequest?.Catch?.at(-1)?.Next).toBe('RequestRejected');
    // RecordFunction reads the function under its lock: a failure there gives the lock back first
    expect(top.RecordFunction?.Catch?.at(-1)?.Next).toBe('ReleaseNetworkLockAndFail');
    expect(top.RolledBack).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  it("a join attaches the VPC access policy first after the lock, so that IAM's propagation overlaps the network's finds; a build keeps it beside the NAT wait; AttachFunction waits out the rest in short retries of Lambda's one answer", () => {
    const top = definition.States;
    // GIVEN both ways from the lock to the first creation (a new VPC, an existing one audited)
    expect([top.NoAudit?.Next, top.AuditExistingVpc?.Next]).toEqual(['JoinAttachesPolicyFirst?', 'JoinAttachesPolicyFirst?']);
    // THEN a join (shared claim) attaches the policy before EnsureVpc, anything else goes straight to EnsureVpc
    expect(top['JoinAttachesPolicyFirst?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.lock.shared', IsPresent: true, Next: 'AttachVpcAccessPolicyFirst' }],
      Default: 'EnsureVpc',
    });
    expect(top.AttachVpcAccessPolicyFirst).toMatchObject({ Type: 'Task', Resource: '${AttachVpcAccessPolicyFunctionArn}', ResultPath: '$.function.vpcAccessPolicy', Next: 'EnsureVpc' });
    // AND in the Parallel the probe branch attaches it only when no one did before it, and hands on either
    const probeBranch = top.PrepareInParallel?.Branches?.[1]?.States ?? {};
    expect(probeBranch.EnsureProbeFunction?.Next).toBe('VpcAccessPolicyAttached?');
    expect(probeBranch['VpcAccessPolicyAttached?']).toMatchObject({
      Choices: [
        { Variable: '$.function.vpcAccessPolicy.deferred', IsPresent: true, Next: 'AttachVpcAccessPolicy' },
        { Variable: '$.function.vpcAccessPolicy', IsPresent: true, Next: 'StartProbeWait' },
      ],
      Default: 'AttachVpcAccessPolicy',
    });
    expect(probeBranch.AttachVpcAccessPolicy).toMatchObject({ ResultPath: '$.function.vpcAccessPolicy', Next: 'StartProbeWait' });
    expect(probeBranch.ProbeFunctionReady?.Parameters).toMatchObject({ 'vpcAccessPolicy.$': '$.function.vpcAccessPolicy' });
    expect(top.MergeParallelResults?.Parameters).toMatchObject({ function: { 'vpcAccessPolicy.$': '$.parallel[1].vpcAccessPolicy' } });
    // AND AttachFunction retries RolePropagationDelay starting at 1 s (not the 5 s steps of an update in progress), for about 2.5 minutes at most
    const retry = top.AttachFunction?.Retry?.find((block) => block.ErrorEquals.includes('RolePropagationDelay')) as
      | { ErrorEquals: string[]; IntervalSeconds: number; BackoffRate: number; MaxAttempts: number; MaxDelaySeconds: number }
      | undefined;
    expect(retry).toMatchObject({ ErrorEquals: ['RolePropagationDelay'], IntervalSeconds: 1 });
    const longest = Array.from({ length: retry!.MaxAttempts }, (_, attempt) => Math.min(retry!.IntervalSeconds * retry!.BackoffRate ** attempt, retry!.MaxDelaySeconds)).reduce((a, b) => a + b, 0);
    expect(longest).toBeGreaterThan(120);
    expect(longest).toBeLessThan(240);
  });

  it('looks at the function update every second after a first wait of 2 s (the FunctionUpdatedV2 waiter\'s delay), within the FunctionUpdated waiter\'s 5 minutes', () => {
    const top = definition.States;
    expect([top.FirstWaitForFunctionUpdate?.Seconds, top.WaitForFunctionUpdate?.Seconds]).toEqual([2, 1]);
    expect(top.StartFunctionWait?.Result).toEqual({ attempt: 0, maxAttempts: 299 });
  });

  it('settles every item of EnsureNatGateways before the NAT branch fails, then raises the first item error by its own name', () => {
    const branch = definition.States.PrepareInParallel?.Branches?.[0];
    const map = branch?.States.EnsureNatGateways;
    const items = map?.ItemProcessor?.States ?? {};
    // GIVEN each item catches its own failure into { error } (a running Lambda invocation outlives the Map Step
    // Functions stops around it), and the successful items' results stay where the later states read them
    expect(items.EnsureNatGateway?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NatGatewayNotCreated' }]);
    expect(items.NatGatewayNotCreated).toEqual({ Type: 'Pass', Parameters: { 'error.$': '$.error' }, End: true });
    expect([map?.ResultPath, map?.Next]).toEqual(['$.network.natGateways', 'NatGatewaysCreated?']);
    // THEN one Choice finds an item error by index, over as many items as a create request has AZs, and sends
    // any longer result to the raising Map too; the success path goes on to the wait loop
    const azMax = requestSchema.properties.network.properties.azCount.maximum;
    expect(branch?.States['NatGatewaysCreated?']).toMatchObject({
      Type: 'Choice',
      Choices: [
        ...Array.from({ length: azMax }, (_, index) => ({ Variable: `$.network.natGateways[${index}].error`, IsPresent: true, Next: 'RaiseFirstNatGatewayError' })),
        { Variable: `$.network.natGateways[${azMax}]`, IsPresent: true, Next: 'RaiseFirstNatGatewayError' },
      ],
      Default: 'StartNatWait',
    });
    // AND the raising Map, one item at a time, fails with the first item's Error and Cause, which the branch settles with
    const raise = branch?.States.RaiseFirstNatGatewayError;
    expect(raise).toMatchObject({ Type: 'Map', ItemsPath: '$.network.natGateways', MaxConcurrency: 1, ResultPath: null, Next: 'StartNatWait' });
    expect(raise?.Catch?.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NatGatewaysNotReady' });
    expect(Object.values(raise?.ItemProcessor?.States ?? {}).filter((state) => state.Type === 'Fail')).toEqual([
      { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
    ]);
  });

  it('gives the network lock back on every path that took it: before the first creation, after Rollback, and after an incomplete Rollback', () => {
    const top = definition.States;
    // GIVEN the lock is taken right after ValidateRequest (unless it found nothing to change), and only once the loop
    // says acquired does the function's record and the network part start
    expect(top['AlreadyMember?']?.Default).toBe('AcquireNetworkLock');
    expect(top.RecordFunction?.Next).toBe('NetworkMode?');
    expect(top.AcquireNetworkLock).toMatchObject({ Resource: '${AcquireNetworkLockFunctionArn}', ResultPath: '$.lock', Next: 'NetworkLockAcquired?' });
    // THEN not getting it ends with nothing to give back; anything else after it gives it back first
    expect(top.AcquireNetworkLock?.Catch).toEqual([
      { ErrorEquals: ['LockTimeout', 'FunctionBusy'], ResultPath: '$.error', Next: 'LockNotAcquired' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseNetworkLockAndFail' },
    ]);
    expect(top.LockNotAcquired).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error' });
    expect(top.AuditExistingVpc?.Catch?.at(-1)?.Next).toBe('ReleaseNetworkLockAndFail');
    expect(top.ReleaseNetworkLockAndFail).toMatchObject({ Resource: '${ReleaseNetworkLockFunctionArn}', Next: 'RequestRejected' });
    // AND the success path records the membership and unlocks, beside DetachVpcAccessPolicy (RecordAndDetach)
    const [record, detach] = top.RecordAndDetach?.Branches ?? [];
    expect([record?.States.RecordMembership?.Next, record?.States.ReleaseNetworkLock?.Next]).toEqual(['ReleaseNetworkLock', 'MembershipRecorded']);
    expect(detach?.StartAt).toBe('DetachVpcAccessPolicy');
    expect([top.KeepMembership?.InputPath, top.KeepUnlock?.InputPath, top.KeepDetach?.InputPath, top.KeepDetach?.Next]).toEqual([
      '$.closing[0].membership',
      '$.closing[0].unlock',
      '$.closing[1].detach',
      'ReportResult',
    ]);
    // AND Rollback, complete or not, unlocks before its Fail state
    expect(top.Rollback?.Next).toBe('ReleaseNetworkLockAfterRollback');
    expect(top.Rollback?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: 'ReleaseNetworkLockAfterRollback' }]);
    expect(top.ReleaseNetworkLockAfterRollback).toMatchObject({ Resource: '${ReleaseNetworkLockFunctionArn}', ResultPath: '$.unlock', Next: 'RollbackComplete?' });
    expect(top['RollbackComplete?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.rollbackError', IsPresent: true, Next: 'RollbackIncomplete' },
        { Variable: '$.error.Error', StringEquals: 'NetworkNeedsRepair', Next: 'RepairUnderExclusiveLock' },
      ],
      Default: 'RolledBack',
    });
    // AND a join rolled back for a repair (its claim given back above) asks again, for the exclusive lock only
    expect(top.RepairUnderExclusiveLock).toMatchObject({ Type: 'Pass', Parameters: { lock: { attempt: 0, exclusive: true } }, Next: 'AcquireNetworkLock' });
  });

  it('a join whose claimed record names the network takes it from there: the drift check, the probe and the function record + VPC access policy side by side, then AttachFunction', () => {
    const top = definition.States;
    // GIVEN the recorded network put in place of the network tasks' slices
    expect(top.NetworkFromRecord).toEqual(expect.objectContaining({ Type: 'Pass', InputPath: '$.lock.recorded', ResultPath: '$.network', Next: 'ProveJoin' }));
    // THEN three settled branches, the drift check's first (its NetworkNeedsRepair wins over the probe's failure)
    const branches = top.ProveJoin?.Branches ?? [];
    expect(branches.map((branch) => branch.StartAt)).toEqual(['CheckJoinNetwork', 'RunProbeOfJoin', 'RecordFunctionOfJoin']);
    expect(branches[0]?.States.CheckJoinNetwork).toMatchObject({ Resource: '${CheckJoinNetworkFunctionArn}' });
    expect(branches[1]?.States.RunProbeOfJoin).toMatchObject({ Resource: '${RunProbeFunctionArn}', ResultPath: '$.probe' });
    expect(branches[2]?.States.RecordFunctionOfJoin).toMatchObject({ Resource: '${RecordFunctionFunctionArn}', ResultPath: '$.function.original', Next: 'AttachVpcAccessPolicyOfJoin' });
    expect(top['ProvedJoin?']).toMatchObject({ Default: 'MergeJoinProof' });
    expect(top.JoinCheckBranchFailed?.Next).toBe('FunctionRecordedBeforeJoinFailed?');
    // AND a failure hands Rollback the function's record (what it restores and whose policy it detaches), then rolls back
    expect(top['FunctionRecordedBeforeJoinFailed?']).toMatchObject({ Default: 'Rollback' });
    expect([top.KeepRecordedFunctionForRollback?.Next, top.KeepFailedBranchFunctionForRollback?.Next]).toEqual(['Rollback', 'Rollback']);
    // AND success merges the branches into the state the common path reads, and moves the function
    expect(top.MergeJoinProof?.Parameters).toMatchObject({ function: { 'original.$': '$.proof[2].original' }, probe: { 'reachability.$': '$.proof[0].reachability' }, 'natCheck.$': '$.proof[0].natCheck' });
    expect(top.MergeJoinProof?.Next).toBe('AttachFunction');
  });

  it('waits for the network lock in a Wait state (no busy Lambda), bounded by AcquireNetworkLock counting its attempts', () => {
    const top = definition.States;
    expect(top['NetworkLockAcquired?']).toEqual({
      Type: 'Choice',
      Choices: [
        { And: [{ Variable: '$.lock.acquired', BooleanEquals: true }, { Variable: '$.lock.recorded', IsPresent: true }], Next: 'NetworkFromRecord' },
        { Variable: '$.lock.acquired', BooleanEquals: true, Next: 'RecordFunction' },
      ],
      Default: 'WaitForNetworkLock',
    });
    expect(top.WaitForNetworkLock).toMatchObject({ Type: 'Wait', Seconds: LOCK_WAIT_SECONDS, Next: 'AcquireNetworkLock' });
  });

  it('bounds every wait loop with a counter and a named failure, which rolls back', () => {
    const loops = [
      ['NatGatewaysAvailable?', 'NatGatewayTimeout'],
      ['ProbeFunctionActive?', 'ProbeFunctionTimeout'],
      ['FunctionUpdated?', 'FunctionUpdateTimeout'],
    ] as const;
    for (const [choice, fail] of loops) {
      const state = states.find(([name]) => name === choice)?.[1];
      const choices = state?.Choices as Array<{ Next: string; NumericGreaterThanEqualsPath?: string }>;
      expect(choices.find((rule) => rule.Next === fail)?.NumericGreaterThanEqualsPath).toMatch(/maxAttempts$/);
      // One name for one thing: the state is called what it raises. A Fail state would skip Rollback at the top
      // level, and stop the other branch of a Parallel mid-task, so a Pass records the error where a Catch puts it:
      // for Rollback, or for the state that settles its branch with it.
      const raising = states.find(([name]) => name === fail)?.[1];
      expect(raising).toMatchObject({ Type: 'Pass', Result: { Error: fail }, ResultPath: '$.error' });
      const next = String(raising?.Next);
      if (definition.States[fail]) expect(next).toBe('Rollback');
      else expect(states.find(([name]) => name === next)?.[1]).toEqual({ Type: 'Pass', Comment: expect.any(String), End: true });
    }
    expect(Object.values(definition.States).filter((state) => state.Type === 'Fail').every((state) => !state.Error || state.Error === 'RollbackIncomplete')).toBe(true);
  });

  it('avoids what the local interpreter mishandles: ResultPath "$", JSONata, IsPresent/IsNull false', () => {
    expect(text).not.toMatch(/"ResultPath":\s*"\$"/);
    expect(text).not.toMatch(/"QueryLanguage"|\{%/);
    expect(text).not.toMatch(/"Is(Present|Null)":\s*false/);
  });
});
