import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import envelope from '../../cli/json-output.schema.json';
import provisionSchema from '../../cli/output.schema.json';
import { emulator } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
ajv.addSchema(provisionSchema);
const validate = ajv.compile(envelope);

/** A home of the test's own: `emulator stop` must not find the session of whoever runs the tests. */
const home = mkdtempSync(join(tmpdir(), 'lambda-egress-home-'));

interface Printed {
  readonly code: number;
  readonly document: Record<string, unknown>;
  readonly violations: string[];
}

/** The command line as a process (commander is ESM: the bin loads it), against the test's emulator: stdout must be one JSON document. */
async function json(argv: readonly string[]): Promise<Printed> {
  // Right after the command: at the end, a flag that wants a value would take --json for it.
  const run = await runCli([argv[0] ?? '', '--json', ...argv.slice(1)], { LAMBDA_EGRESS_HOME: home });
  const code = run.code ?? -1;
  const document = JSON.parse(run.stdout) as Record<string, unknown>;
  const violations = validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
  return { code, document, violations };
}

/**
 * For each command the CLI registers: a command line that succeeds and one that fails, run in this order in one
 * account (provision before release before teardown). A command registered without an entry here fails the test.
 */
const CASES: Record<string, { readonly ok?: readonly string[]; readonly failing: readonly string[] }> = {
  plan: { ok: ['plan', '--local', '-f', 'orders', '--network', 'shop'], failing: ['plan', '--local', '-f', 'nobody'] },
  provision: { ok: ['provision', '--local', '-f', 'orders', '--network', 'shop'], failing: ['provision', '--local', '-f', 'nobody'] },
  diagnose: { ok: ['diagnose', '--local', '-f', 'orders'], failing: ['diagnose', '--local', '-f', 'nobody'] },
  networks: { ok: ['networks', '--local'], failing: ['networks', '--local', '--region'] },
  'egress-ips': { ok: ['egress-ips', '--local', '--network', 'shop'], failing: ['egress-ips', '--local', '--network', 'nowhere'] },
  status: { failing: ['status', 'arn:aws:states:us-east-1:123456789012:execution:lambda-egress-provision:nothing-here'] },
  release: { ok: ['release', '--local', '-f', 'orders'], failing: ['release', '--local', '-f', 'nobody'] },
  teardown: { ok: ['teardown', '--local', '--network', 'shop'], failing: ['teardown', '--local'] },
  emulator: { ok: ['emulator', 'stop'], failing: ['emulator', 'restart'] },
  // The test's home has no emulator started: nothing to list (test/cli/local-executions.test.ts lists runs).
  executions: { failing: ['executions', '--local'] },
  completion: { ok: ['completion', 'bash'], failing: ['completion', 'fish'] },
};

/** The subcommands `lambda-egress --help` lists (commander's "Commands:" section), help itself aside. */
async function registeredCommands(): Promise<string[]> {
  const help = (await runCli(['--help'])).stdout;
  const section = help.slice(help.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1] ?? '').filter((name) => name !== 'help');
}

describe('--json: one contract for every command (cli/json-output.schema.json)', () => {
  it('has a success and a failure case for every command the CLI registers', async () => {
    const registered = await registeredCommands();
    expect(registered.filter((name) => !(name in CASES))).toEqual([]);
  });

  describe('prints one document naming its command, successes and failures alike, for', () => {
    // GIVEN a function in a fresh emulator account, which the commands below share in this order
    beforeAll(async () => {
      await emulator.freshAccount();
      await createSampleFunction('orders');
    });

    it.each(Object.entries(CASES))('%s', async (command, { ok, failing }) => {
      // WHEN the command runs with --json, first as it succeeds, then as it fails
      for (const argv of ok ? [ok, failing] : [failing]) {
        const printed = await json(argv);
        const expectFailure = argv === failing;
        // THEN stdout is one document the schema accepts, naming the command, with an exit code that matches
        expect([argv.join(' '), printed.violations]).toEqual([argv.join(' '), []]);
        expect([argv.join(' '), printed.document.command]).toEqual([argv.join(' '), command]);
        expect([argv.join(' '), printed.code === 0]).toEqual([argv.join(' '), !expectFailure]);
        if (expectFailure) expect(printed.document).toMatchObject({ status: 'FAILED', error: { name: expect.any(String), message: expect.not.stringContaining('\n') } });
      }
    });
  });

  it('fails a rejected request with the field in error.details, not in the message', async () => {
    // GIVEN no function named nobody
    await emulator.freshAccount();
    // WHEN provision is asked for it
    const printed = await json(['provision', '--local', '-f', 'nobody']);
    // THEN exit 2, InvalidRequest, and the details as a field
    expect(printed.code).toBe(2);
    expect(printed.document).toMatchObject({ command: 'provision', status: 'FAILED', error: { name: 'InvalidRequest', details: { field: 'functionName' } } });
    expect(printed.violations).toEqual([]);
  });

  it('answers a bad flag or an unknown command in the same document (exit 2, UsageError)', async () => {
    for (const [argv, command] of [[['provision', '-f', 'x', '--azs', 'two'], 'provision'], [['plan', '--colour'], 'plan'], [['nonsense'], 'lambda-egress']] as const) {
      const printed = await json(argv);
      expect(printed.code).toBe(2);
      expect(printed.document).toMatchObject({ command, status: 'FAILED', error: { name: 'UsageError' } });
      expect(printed.violations).toEqual([]);
    }
  });
});
