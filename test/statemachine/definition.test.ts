import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTED_ERRORS, AWS_THROTTLING_ERRORS, ERRORS_AWAITING_WIRING, LAMBDA_SERVICE_ERRORS } from '../../functions/shared/errors';
import { TASKS, TASKS_AWAITING_WIRING } from '../../functions/registry';
import { allStates, placeholdersOf, readDefinitionText, PROVISION_DEFINITION_PATH, type AslDefinition } from '../../statemachine/definition';

const ASL_VALIDATOR = require.resolve('asl-validator/dist/bin/asl-validator.js');
const validate = (path: string) => spawnSync(process.execPath, [ASL_VALIDATOR, '--json-path', path], { encoding: 'utf8' });

const text = readDefinitionText();
const definition = JSON.parse(text) as AslDefinition;
const states = allStates(definition);
const tasks = states.filter(([, state]) => state.Type === 'Task');

/** AWS's own error names (States.*, SDK exceptions) are not ours to define. */
const AWS_NAMES = new Set<string>([...AWS_THROTTLING_ERRORS, ...LAMBDA_SERVICE_ERRORS, 'InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'RequestTimeout']);
const isOurs = (name: string) => !name.startsWith('States.') && !AWS_NAMES.has(name);

describe('statemachine/provision.asl.json', () => {
  it('is accepted by asl-validator (which does reject a state with a dangling Next)', () => {
    const valid = validate(PROVISION_DEFINITION_PATH);
    expect([valid.status, valid.stdout]).toEqual([0, expect.stringContaining('is valid')]);

    const broken = JSON.parse(text) as { States: Record<string, { Next?: string }> };
    broken.States.EnsureVpc = { ...broken.States.EnsureVpc, Next: 'NoSuchState' };
    const path = join(mkdtempSync(join(tmpdir(), 'asl-')), 'broken.asl.json');
    writeFileSync(path, JSON.stringify(broken));
    expect(validate(path).status).not.toBe(0);
  });

  it('uses exactly one ${<Task>FunctionArn} placeholder per task of functions/registry.ts, and nothing else', () => {
    const wired = Object.keys(TASKS).filter((name) => !(TASKS_AWAITING_WIRING as readonly string[]).includes(name));
    expect(placeholdersOf(text).sort()).toEqual(wired.map((name) => `${name}FunctionArn`).sort());
    for (const [name, state] of tasks) expect([name, state.Resource]).toEqual([name, expect.stringMatching(/^\$\{[A-Za-z0-9]+FunctionArn\}$/)]);
  });

  it('names only errors that functions/shared/errors.ts defines, and every class there is routed on', () => {
    const named = new Set<string>();
    for (const [, state] of states) {
      for (const block of [...(state.Retry ?? []), ...(state.Catch ?? [])]) block.ErrorEquals.filter(isOurs).forEach((name) => named.add(name));
      if (state.Type === 'Fail' && typeof state.Error === 'string') named.add(state.Error);
    }
    expect([...named].sort()).toEqual(Object.keys(ROUTED_ERRORS).filter((name) => !(ERRORS_AWAITING_WIRING as readonly string[]).includes(name)).sort());
  });

  it('retries throttling and Lambda service errors on every task, with back-off, jitter and a max delay', () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((block) => block.ErrorEquals);
      expect([name, retried]).toEqual([name, expect.arrayContaining([...AWS_THROTTLING_ERRORS, ...LAMBDA_SERVICE_ERRORS])]);
      for (const block of state.Retry ?? []) {
        expect(block).toMatchObject({ BackoffRate: expect.any(Number), MaxDelaySeconds: expect.any(Number), JitterStrategy: 'FULL' });
      }
      expect(state.TimeoutSeconds).toEqual(expect.any(Number));
    }
  });

  it('sends every failure after the first creation to Rollback, and failures before it straight to a Fail', () => {
    const top = definition.States;
    const creating = ['EnsureVpc', 'EnsureSubnets', 'EnsureInternetGateway', 'EnsureSecurityGroup', 'NatGatewaysAndFunction', 'EnsureRouteTables', 'EnsureS3Endpoint', 'RunProbe', 'DetachVpcAccessPolicy', 'ReportResult'];
    for (const name of creating) {
      expect([name, top[name]?.Catch?.at(-1)]).toEqual([name, { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Rollback' }]);
    }
    for (const name of ['ValidateRequest', 'RecordFunction', 'AuditExistingVpc']) {
      expect(top[name]?.Catch?.at(-1)?.Next).toBe('RequestRejected');
    }
    expect(top.Rollback?.Next).toBe('RolledBack');
    expect(top.RolledBack).toMatchObject({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  it('bounds both wait loops with a counter and a named failure', () => {
    for (const [choice, fail] of [['NatGatewaysAvailable?', 'NatGatewayTimedOut'], ['FunctionUpdated?', 'FunctionUpdateTimedOut']] as const) {
      const state = states.find(([name]) => name === choice)?.[1];
      const choices = state?.Choices as Array<{ Next: string; NumericGreaterThanEqualsPath?: string }>;
      expect(choices.find((rule) => rule.Next === fail)?.NumericGreaterThanEqualsPath).toMatch(/maxAttempts$/);
    }
  });

  it('avoids what the local interpreter mishandles: ResultPath "$", JSONata, IsPresent/IsNull false', () => {
    expect(text).not.toMatch(/"ResultPath":\s*"\$"/);
    expect(text).not.toMatch(/"QueryLanguage"|\{%/);
    expect(text).not.toMatch(/"Is(Present|Null)":\s*false/);
  });
});
