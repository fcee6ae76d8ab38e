import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedTemplate, sourceFingerprint, type CachedSynthesis } from '../support/synth-cache';

/**
 * The synthesis cache (test/support/synth-cache.ts) may only skip a synthesis whose inputs are all unchanged: a
 * stale template would hide a change to the stack from every test that reads it. Shown on scratch repositories.
 */
function scratchRepository(): { root: string; caller: string } {
  const root = mkdtempSync(join(tmpdir(), 'synth-cache-'));
  for (const dir of ['infra', 'functions/shared', 'statemachine', 'test/infra', 'node_modules/aws-cdk-lib']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'infra', 'stack.ts'), 'export const bucket = 1;\n');
  writeFileSync(join(root, 'functions', 'shared', 'request.schema.json'), '{}\n');
  writeFileSync(join(root, 'statemachine', 'provision.asl.json'), '{"States":{}}\n');
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
  writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/aws-cdk-lib":{"version":"2.276.0"}}}\n');
  writeFileSync(join(root, 'node_modules', 'aws-cdk-lib', 'index.js'), 'module.exports = {};\n');
  const caller = join(root, 'test', 'infra', 'caller.ts');
  writeFileSync(caller, 'new LambdaEgressStack(app, "A");\n');
  return { root, caller };
}

/** Outside the scratch repository, as node_modules/.cache is outside what the fingerprint reads. */
const emptyCacheDir = (): string => join(mkdtempSync(join(tmpdir(), 'synth-cache-dir-')), 'cache');

/** A copy of `root` with `edit` applied (a fresh root: the fingerprint is remembered per root within a test file). */
function editedCopy(root: string, edit: (copy: string) => void): string {
  const copy = mkdtempSync(join(tmpdir(), 'synth-cache-'));
  cpSync(root, copy, { recursive: true });
  edit(copy);
  return copy;
}

describe('the synthesis cache', () => {
  it('synthesizes once for the same inputs, and hands the stored template to the next lookup', () => {
    // GIVEN a repository and an empty cache
    const { root, caller } = scratchRepository();
    const cacheDir = emptyCacheDir();
    let synthesized = 0;
    const synthesis: CachedSynthesis = { name: 'stack', inputs: { targetRoles: ['team-a-*'] }, sources: [caller], synthesize: () => ({ Resources: { Run: ++synthesized } }) };
    // WHEN the same synthesis is looked up twice
    const first = cachedTemplate(synthesis, { root, cacheDir });
    const second = cachedTemplate(synthesis, { root, cacheDir });
    // THEN it ran once and both lookups got its template
    expect([synthesized, first, second]).toEqual([1, { Resources: { Run: 1 } }, { Resources: { Run: 1 } }]);
    // AND other inputs, other sources or another CDK_ variable are other entries
    cachedTemplate({ ...synthesis, inputs: { targetRoles: ['team-b-*'] } }, { root, cacheDir });
    writeFileSync(caller, 'new LambdaEgressStack(app, "B");\n');
    cachedTemplate(synthesis, { root, cacheDir });
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
    try {
      cachedTemplate(synthesis, { root, cacheDir });
    } finally {
      delete process.env.CDK_CONTEXT_JSON;
    }
    expect(synthesized).toBe(4);
  });

  it("fails to reuse a template once any file a synthesis reads has changed: the product's sources, the ASL, a schema, the installed packages", () => {
    const { root } = scratchRepository();
    const before = sourceFingerprint(root);
    // GIVEN an identical copy THEN the same fingerprint (paths are relative to the repository)
    expect(sourceFingerprint(editedCopy(root, () => undefined))).toBe(before);
    // WHEN a file synthesis may read changes, appears or is renamed THEN the fingerprint changes
    const edits: Record<string, (copy: string) => void> = {
      'infra source': (copy) => writeFileSync(join(copy, 'infra', 'stack.ts'), 'export const bucket = 2;\n'),
      'new infra file': (copy) => writeFileSync(join(copy, 'infra', 'queue.ts'), 'export {};\n'),
      'renamed file': (copy) => renameSync(join(copy, 'infra', 'stack.ts'), join(copy, 'infra', 'stacks.ts')),
      ASL: (copy) => writeFileSync(join(copy, 'statemachine', 'provision.asl.json'), '{"States":{"A":{}}}\n'),
      schema: (copy) => writeFileSync(join(copy, 'functions', 'shared', 'request.schema.json'), '{"type":"object"}\n'),
      'package-lock.json': (copy) => writeFileSync(join(copy, 'package-lock.json'), '{"lockfileVersion":4}\n'),
      'npm install': (copy) => writeFileSync(join(copy, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/aws-cdk-lib":{"version":"2.277.0"}}}\n'),
    };
    const unchanged = Object.entries(edits).filter(([, edit]) => sourceFingerprint(editedCopy(root, edit)) === before).map(([name]) => name);
    expect(unchanged).toEqual([]);
    // AND a change where no synthesis reads (the tests; a package's files, which its lock entry stands for) does not
    expect(sourceFingerprint(editedCopy(root, (copy) => writeFileSync(join(copy, 'test', 'infra', 'other.test.ts'), 'it;\n')))).toBe(before);
  });

  it('fails with the synthesis error every time: a synthesis that throws (cdk-nag on a finding) stores nothing', () => {
    const { root, caller } = scratchRepository();
    const cacheDir = emptyCacheDir();
    let attempts = 0;
    const failing: CachedSynthesis = {
      name: 'nag',
      inputs: {},
      sources: [caller],
      synthesize: () => {
        attempts += 1;
        throw new Error('AwsSolutions-IAM5: unacknowledged finding');
      },
    };
    expect(() => cachedTemplate(failing, { root, cacheDir })).toThrow(/AwsSolutions-IAM5/);
    expect(() => cachedTemplate(failing, { root, cacheDir })).toThrow(/AwsSolutions-IAM5/);
    expect(attempts).toBe(2);
  });

  it('keeps one generation: a new fingerprint drops the entries of the old one', () => {
    const { root, caller } = scratchRepository();
    const cacheDir = emptyCacheDir();
    const synthesis: CachedSynthesis = { name: 'stack', inputs: {}, sources: [caller], synthesize: () => ({ Resources: {} }) };
    cachedTemplate(synthesis, { root, cacheDir });
    cachedTemplate({ ...synthesis, inputs: { other: true } }, { root, cacheDir });
    const edited = editedCopy(root, (copy) => writeFileSync(join(copy, 'infra', 'stack.ts'), 'export const bucket = 3;\n'));
    cachedTemplate(synthesis, { root: edited, cacheDir });
    expect(readdirSync(cacheDir).map((file) => file.slice(0, 32))).toEqual([sourceFingerprint(edited)]);
  });
});
