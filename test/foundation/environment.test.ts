import { MissingEnvironmentVariable, requiredEnvironment } from '../../functions/shared/environment';
import { REGISTRY_TABLE_ENV } from '../../functions/shared/registry/table';
import { exportsHandler, readSources, ROOT } from '../architecture/import-graph';

/** Every module under functions/ a Lambda function runs as its handler (the probe's own code ships apart and reads no variable). */
const HANDLER_FILES = [...readSources()]
  .filter(([path, text]) => path.startsWith('functions/') && path !== 'functions/probe/probe.ts' && exportsHandler(text))
  .map(([path]) => path)
  .sort();

/** The functions the stack passes REGISTRY_TABLE_NAME (test/infra/stack.test.ts checks the template gives exactly these). */
const REGISTRY_USERS = [
  'functions/api/delete-network.ts',
  'functions/api/get-networks.ts',
  'functions/membership/acquire-network-lock.ts',
  'functions/membership/record-membership.ts',
  'functions/membership/release-network-lock.ts',
  'functions/membership/release-stale-locks.ts',
  'functions/release/remove-membership.ts',
  'functions/release/validate-release.ts',
  'functions/rollback/rollback.ts',
  'functions/teardown/teardown-network.ts',
  'functions/teardown/validate-teardown.ts',
  'functions/validate/validate-request.ts',
];

/** Loads each file in a fresh module registry (a cold start) with `env` as the process environment; what each load threw. */
function coldStarts(files: readonly string[], env: NodeJS.ProcessEnv): Map<string, unknown> {
  const saved = process.env;
  const thrown = new Map<string, unknown>();
  process.env = env;
  try {
    jest.isolateModules(() => {
      for (const file of files) {
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          require(`${ROOT}/${file}`);
        } catch (error) {
          thrown.set(file, error);
        }
      }
    });
  } finally {
    process.env = saved;
  }
  return thrown;
}

describe('product code reads its environment once, at cold start, with no local fallback', () => {
  it('finds the handler files of the stack', () => {
    expect(HANDLER_FILES.length).toBeGreaterThan(30);
    expect(HANDLER_FILES).toEqual(expect.arrayContaining(REGISTRY_USERS));
  });

  it('fails a registry function at load when REGISTRY_TABLE_NAME is missing, naming the variable and who sets it', () => {
    // GIVEN an environment without the registry table's name (a function deployed without it)
    const env = { ...process.env };
    delete env[REGISTRY_TABLE_ENV];
    // WHEN every handler module is loaded
    const thrown = coldStarts(HANDLER_FILES, env);
    // THEN exactly the registry's users fail, at load, with the named error
    expect([...thrown.keys()].sort()).toEqual(REGISTRY_USERS);
    for (const [file, error] of thrown) {
      expect([file, (error as Error).name, (error as Error).message]).toEqual([file, 'MissingEnvironmentVariable', expect.stringMatching(/^REGISTRY_TABLE_NAME is not set: the stack passes every function that uses the registry its DynamoDB table/)]);
    }
  });

  it('loads them when the variable is set, and uses no other table than the one named (no default)', () => {
    // GIVEN the table's name in the environment
    const env = { ...process.env, [REGISTRY_TABLE_ENV]: 'some-deployed-table' };
    // WHEN the registry's users are loaded
    const thrown = coldStarts(REGISTRY_USERS, env);
    // THEN none fails
    expect([...thrown.entries()]).toEqual([]);
  });

  it('fails an empty value as a missing one', () => {
    expect(() => requiredEnvironment('SOME_ARN', 'the stack passes it', { SOME_ARN: '' })).toThrow(new MissingEnvironmentVariable('SOME_ARN', 'the stack passes it'));
    expect(() => requiredEnvironment('SOME_ARN', 'the stack passes it', {})).toThrow('SOME_ARN is not set: the stack passes it');
    expect(requiredEnvironment('SOME_ARN', 'the stack passes it', { SOME_ARN: 'arn:aws:iam::1:role/x' })).toBe('arn:aws:iam::1:role/x');
  });
});
