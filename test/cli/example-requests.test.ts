import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import requestSchema from '../../functions/shared/request.schema.json';
import { emulator, mutatingCalls } from '../../local/test-support/emulator-control';
import { createSampleFunction } from '../../local/sample-function';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

/**
 * examples/requests/*.json are the requests the README shows (its "The request" block, the start-execution and
 * POST /requests lines) and the OpenAPI document's examples: each one must stay a request the workflow takes.
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples', 'requests');
const examples = readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')).sort();
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;

describe('examples/requests', () => {
  it('holds the requests the README and the reference show', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const reference = readFileSync(join(ROOT, 'docs', 'reference.md'), 'utf8');
    // THEN the reference's "The request" shows every-default.json as it is, and the README points at shared-network.json
    const requestSection = reference.slice(reference.indexOf('## The request'));
    const block = /```json\n([\s\S]*?)```/.exec(requestSection)?.[1];
    expect(block && JSON.parse(block)).toEqual(read('every-default.json'));
    expect(readme).toContain('examples/requests/shared-network.json');
    expect(examples).toEqual(['every-default.json', 'shared-network.json']);
  });

  it.each(examples)('%s is valid against the request schema', (name) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(requestSchema);
    expect([validate(read(name)), validate.errors ?? []]).toEqual([true, []]);
  });

  it.each(examples)('lambda-egress plan --request examples/requests/%s plans it with zero mutating calls (as a process)', async (name) => {
    // GIVEN the function the example names, in an empty account
    await emulator.freshAccount();
    await createSampleFunction(String(read(name).functionName));
    await emulator.clearCalls();
    // WHEN the CLI plans the example as written
    const run = await runCli(['plan', '--request', join(EXAMPLES, name)]);
    // THEN it plans the network the example names, and changes nothing
    expect([run.code, run.stderr]).toEqual([0, '']);
    const network = (read(name).network as { name?: string } | undefined)?.name ?? 'default';
    expect(run.stdout).toContain(`Network "${network}" does not exist yet:`);
    expect(mutatingCalls(await emulator.calls())).toEqual([]);
  });
});
