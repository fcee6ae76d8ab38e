import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(__dirname, '..', '..');
const SOURCE_FOLDERS = ['functions', 'statemachine', 'infra', 'local', 'cli', 'test', 'bench'];

/** The layers CONTRIBUTING.md "Layout and imports" states, bottom first. */
export type Layer = 'functions/shared' | 'functions' | 'statemachine' | 'infra' | 'local' | 'local/test-support' | 'cli' | 'test' | 'bench';

/**
 * What each layer may import besides itself: `functions/shared` <- `functions/*` <- `statemachine` <- `infra`,
 * `local` <- `cli`; `test` and `bench` may import anything, nothing imports them (bench not test either).
 */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  'functions/shared': [],
  functions: ['functions/shared'],
  statemachine: ['functions', 'functions/shared'],
  infra: ['statemachine', 'functions', 'functions/shared'],
  local: ['statemachine', 'functions', 'functions/shared'],
  // Fault injection and the call log: the tests' and the benchmark's, never local mode's (the CLI cannot reach them).
  'local/test-support': ['local', 'statemachine', 'functions', 'functions/shared'],
  cli: ['local', 'statemachine', 'functions', 'functions/shared'],
  test: ['bench', 'cli', 'local/test-support', 'local', 'infra', 'statemachine', 'functions', 'functions/shared'],
  bench: ['cli', 'local/test-support', 'local', 'infra', 'statemachine', 'functions', 'functions/shared'],
};

/** One import of one repository file by another, by repository-relative paths (`/` separated). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

export function layerOf(path: string): Layer | undefined {
  if (path.startsWith('functions/shared/')) return 'functions/shared';
  if (path.startsWith('local/test-support/')) return 'local/test-support';
  const top = path.split('/')[0] as Layer;
  return top in MAY_IMPORT ? top : undefined;
}

/** Every TypeScript source of the layered folders, repository-relative, with its text. */
export function readSources(root = ROOT): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) sources.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  for (const folder of SOURCE_FOLDERS) if (existsSync(join(root, folder))) walk(join(root, folder));
  return sources;
}

/**
 * The repository files a source imports: `import`, `import type`, `export ... from`, `import()` and
 * `require()` with a literal path, as the TypeScript scanner finds them (comments and strings are not
 * imports). Package imports are left out; a relative path resolves as Node and TypeScript resolve it.
 */
export function importsOf(path: string, text: string, exists: (path: string) => boolean): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((file) => file.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolveImport(path, specifier, exists));
}

/** The repository file a relative specifier of `from` names, as Node and TypeScript resolve it. */
export function resolveImport(from: string, specifier: string, exists: (path: string) => boolean): string {
  const base = join(dirname(from), specifier).split(sep).join('/');
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => exists(candidate) && !candidate.endsWith('/')) ?? `${base}.ts`;
}

export function importGraph(sources: ReadonlyMap<string, string>, exists: (path: string) => boolean): ImportEdge[] {
  return [...sources].flatMap(([from, text]) => importsOf(from, text, exists).map((to) => ({ from, to })));
}

/**
 * Imports that point up (or sideways between `infra` and `local`, or from `bench` into `test`). Layers are
 * about code: a JSON document (the request schema, the ASL definitions) is data any layer may read.
 */
export function upwardImports(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    if (!to.endsWith('.ts')) return false;
    const [source, target] = [layerOf(from), layerOf(to)];
    if (!source || !target || source === target) return false;
    return !MAY_IMPORT[source].includes(target);
  });
}

/** Imports of a handler file by any module but the tests and the benchmarks (which exercise handlers). */
export function handlerImports(edges: readonly ImportEdge[], handlerFiles: ReadonlySet<string>): ImportEdge[] {
  return edges.filter(({ from, to }) => handlerFiles.has(to) && layerOf(from) !== 'test' && layerOf(from) !== 'bench');
}

const EXPORTS_HANDLER = /^export\s+(const|async\s+function|function)\s+handler\b/m;

export function exportsHandler(text: string): boolean {
  return EXPORTS_HANDLER.test(text);
}

/**
 * The handler files of the stack's functions: every task of the registry, and the catalog API's handlers
 * (functions/api/ files that export `handler`). The probe's own code (probe/probe.ts) is not one: it ships
 * apart, as a zip, and its types are the contract RunProbe reads.
 */
export function handlerFilesOf(sources: ReadonlyMap<string, string>, taskFiles: readonly string[]): Set<string> {
  const apiHandlers = [...sources].filter(([path, text]) => path.startsWith('functions/api/') && exportsHandler(text)).map(([path]) => path);
  return new Set([...taskFiles.map((file) => `functions/${file}`), ...apiHandlers]);
}

/**
 * The import cycles among `nodes` (Tarjan's strongly connected components of more than one node, or a node
 * importing itself), each sorted, the list sorted: a stable answer a test can compare.
 */
export function cyclesOf(edges: ReadonlyArray<{ readonly from: string; readonly to: string }>): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (next.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) cycles.push(component.sort());
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

/** The folder a file lives in (`functions/network/preflight/a.ts` -> `functions/network/preflight`). */
export function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/** The edges between folders that the file edges make (a folder importing itself is not an edge). */
export function folderEdges(edges: readonly ImportEdge[]): Array<{ from: string; to: string }> {
  const seen = new Set<string>();
  const folders: Array<{ from: string; to: string }> = [];
  for (const edge of edges) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (from === to || seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    folders.push({ from, to });
  }
  return folders;
}

/**
 * The areas of functions/ by level: an area imports only areas of a lower level (and shared). The levels follow
 * the workflows: building blocks (function, network) under what the provision composes from them, the undo engine
 * under rollback and teardown, release on top of teardown (it may continue into one), the catalog API above all.
 */
export const FUNCTION_AREA_LEVEL: Readonly<Record<string, number>> = {
  shared: 0,
  function: 1,
  network: 1,
  probe: 2,
  report: 2,
  validate: 2,
  inventory: 2,
  membership: 2,
  undo: 2,
  rollback: 3,
  teardown: 3,
  release: 4,
  api: 5,
};

/** `functions/<area>/...` -> area, or undefined outside functions/. */
export function functionAreaOf(path: string): string | undefined {
  return path.startsWith('functions/') ? path.split('/')[1] : undefined;
}

/** Imports between function areas that do not point to a lower level, and files in an area the table does not know. */
export function areaViolations(edges: readonly ImportEdge[]): Array<ImportEdge & { readonly reason: string }> {
  const found: Array<ImportEdge & { readonly reason: string }> = [];
  for (const edge of edges) {
    const from = functionAreaOf(edge.from);
    const to = functionAreaOf(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    const fromLevel = FUNCTION_AREA_LEVEL[from];
    const toLevel = FUNCTION_AREA_LEVEL[to];
    if (fromLevel === undefined || toLevel === undefined) found.push({ ...edge, reason: 'area not in FUNCTION_AREA_LEVEL' });
    else if (toLevel >= fromLevel) found.push({ ...edge, reason: `${from} (level ${fromLevel}) imports ${to} (level ${toLevel})` });
  }
  return found;
}
