import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASKS } from '../../functions/shared/task-registry';
import { deadExports, type EntryPoint } from './dead-exports';
import { exportsHandler, handlerFilesOf, readSources, ROOT } from './import-graph';

/** The product's folders (docs/architecture.md "Layers"; bench/ is the benchmark, checked like product code). */
const CHECKED_FOLDERS = ['functions/', 'statemachine/', 'infra/', 'local/', 'cli/', 'bench/'];

const sources = readSources();
const exists = (path: string): boolean => sources.has(path) || existsSync(join(ROOT, path));
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string; scripts: Record<string, string> };

/** `dist/infra/index.js` (package.json `main`) -> `infra/index.ts`, the source tsconfig.build.json compiles it from. */
const sourceOfDist = (path: string): string => path.replace(/^\.?\/?dist\//, '').replace(/\.(d\.ts|js)$/, '.ts');

const LAMBDA_HANDLERS: EntryPoint[] = [
  ...[...handlerFilesOf(sources, Object.values(TASKS))].map((file) => ({
    file,
    names: ['handler'],
    reason: 'a Lambda handler: infra deploys it by file and `handler` (task-functions.ts from functions/shared/task-registry.ts, catalog-api.ts)',
  })),
  { file: 'functions/membership/release-stale-locks.ts', names: ['handler'], reason: 'a Lambda handler: infra/stale-lock-release.ts deploys it by file and `handler`' },
  { file: 'functions/probe/probe.ts', names: ['handler'], reason: 'the probe: shipped as a zip of its own and run by Lambda as `handler`' },
];

/** Names alive without a TypeScript importer, each with why: something outside the sources loads them. */
const ENTRY_POINTS: EntryPoint[] = [
  ...LAMBDA_HANDLERS,
  { file: sourceOfDist(packageJson.main), names: '*', reason: "the package's public API (package.json main/types/exports): what embedding users import, docs/embedding.md" },
  { file: 'cli/main.ts', names: ['main'], reason: 'the CLI bin: cli/bin.cjs requires main.ts (or its compiled dist/cli/main.js) and calls `main`' },
  { file: 'infra/app.ts', names: [], reason: 'the CDK app (cdk.json `app`), run as a script: its exports live only when imported' },
  { file: 'bench/run.ts', names: [], reason: 'the bench entry (`npm run bench`), run as a script' },
  { file: 'statemachine/build-definition.ts', names: [], reason: '`npm run build:asl`, run as a script' },
  { file: 'functions/shared/build-request-types.ts', names: [], reason: '`npm run build:request-types`, run as a script' },
  { file: 'infra/openapi/build-openapi.ts', names: [], reason: '`npm run build:openapi`, run as a script' },
  { file: 'infra/package/build-package.ts', names: [], reason: "`npm pack`'s prepack, run as a script" },
];


const isChecked = (path: string): boolean => CHECKED_FOLDERS.some((folder) => path.startsWith(folder));

describe('dead exports (issue 24: no export nobody imports)', () => {
  it('has no product export that no other file imports, but the entry points', () => {
    const dead = deadExports(sources, isChecked, ENTRY_POINTS, exists);
    expect(dead).toEqual([]);
  });

  it('declares only entry points that exist, each handler exporting its handler', () => {
    expect(ENTRY_POINTS.filter((entry) => !sources.has(entry.file)).map((entry) => entry.file)).toEqual([]);
    expect(LAMBDA_HANDLERS.filter((entry) => !exportsHandler(sources.get(entry.file) ?? '')).map((entry) => entry.file)).toEqual([]);
    expect(sourceOfDist(packageJson.types)).toBe(sourceOfDist(packageJson.main));
  });
});

describe('the dead-export check (it can fail)', () => {
  const check = (files: Record<string, string>, entries: EntryPoint[] = []): string[] => {
    const planted = new Map(Object.entries(files));
    return deadExports(planted, (path) => path.startsWith('functions/'), entries, (path) => planted.has(path));
  };

  it('fails on an export nobody imports, and on one only its own file uses', () => {
    // GIVEN a module with three exports, one imported by another file, one used only inside its own file
    const files = {
      'functions/a.ts': 'export const used = 1;\nexport const unused = 2;\nexport function selfUsed() {}\nselfUsed();\n',
      'functions/b.ts': "import { used } from './a';\nconsole.log(used);\n",
    };
    // WHEN the check reads them THEN the two without an importer are dead
    expect(check(files)).toEqual(['functions/a.ts:selfUsed', 'functions/a.ts:unused']);
  });

  it('counts renamed, default, type-only and namespace imports, require and import() as uses', () => {
    const files = {
      'functions/a.ts': [
        'export const renamed = 1;',
        'export default function main() {}',
        'export interface Shape { a: number }',
        'export type Kind = "x";',
        'export const viaNamespace = 1;',
        'export const notViaNamespace = 1;',
        'export const required = 1;',
        'export const dynamic = 1;',
        'export const inType = 1;',
      ].join('\n'),
      'test/b.ts': [
        "import main, { renamed as other, type Shape } from '../functions/a';",
        "import type { Kind } from '../functions/a';",
        "import * as ns from '../functions/a';",
        'ns.viaNamespace;',
        "const { required } = require('../functions/a') as typeof import('../functions/a');",
        "const later = async () => (await import('../functions/a')).dynamic;",
        "let t: typeof import('../functions/a').inType;",
      ].join('\n'),
    };
    expect(check(files)).toEqual(['functions/a.ts:notViaNamespace']);
  });

  it('follows re-exports: `export { a as b } from`, `export *`, an import exported again; entry points are alive', () => {
    const files = {
      'functions/a.ts': 'export const a = 1;\nexport const starred = 1;\nexport const deadBehindStar = 1;\nexport const passed = 1;\nexport const deadBehindRename = 1;',
      'functions/index.ts': "export { a as b, deadBehindRename } from './a';\nexport * from './a';\nimport { passed } from './a';\nexport { passed as again };",
      'functions/entry.ts': 'export const handler = 1;\nexport const notLoaded = 1;',
      'test/c.ts': "import { b, starred, again } from '../functions/index';",
    };
    // `passed` is used by index.ts's import itself; index.ts's own `deadBehindRename` is dead, so a.ts's is too.
    expect(check(files, [{ file: 'functions/entry.ts', names: ['handler'], reason: 'planted' }])).toEqual([
      'functions/a.ts:deadBehindRename',
      'functions/a.ts:deadBehindStar',
      'functions/entry.ts:notLoaded',
      'functions/index.ts:deadBehindRename',
    ]);
  });
});
