import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A synthesized template kept on disk between test runs, so that a test file that only reads a template (the IAM
 * simulation, the routes, the entry points) does not build the construct tree again when nothing synthesis reads
 * has changed: synthesis is deterministic, so the same inputs give the same template.
 *
 * The key is a hash of everything a synthesis can read: every file of the repository outside the folders below
 * (the product's sources, the ASL, the schemas, the examples, cdk.json, package.json, package-lock.json),
 * node_modules/.package-lock.json (npm rewrites it on every install: the aws-cdk-lib, constructs and cdk-nag
 * versions in use), the caller's own sources (where the construct tree is built), the inputs it names (props,
 * context), every CDK_* variable of the environment, Node's version and this file. Any edit to any of them is a
 * miss. A synthesis that throws (cdk-nag on a finding) stores nothing, so it throws again on the next run.
 */
const REPO_ROOT = join(__dirname, '..', '..');
/** Folders no synthesis reads: the tests and the bench (infra/ and functions/ never import them), outputs, caches. */
const NOT_READ = new Set(['node_modules', '.git', 'test', 'bench', 'cdk.out', 'coverage', '.emulator', 'dist']);
const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'lambda-egress-synth');

export type TemplateJson = Record<string, unknown>;

export interface SynthCacheOptions {
  /** The repository whose files are hashed (tests of this module point it at a scratch tree). */
  readonly root?: string;
  readonly cacheDir?: string;
}

function filesUnder(root: string, dir: string, found: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (dir === root && NOT_READ.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(root, path, found);
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

const fingerprints = new Map<string, string>();

/**
 * The hash of every file of `root` a synthesis may read, with their paths (a renamed file changes it too).
 * Remembered per module registry, i.e. per test file (about 400 files to read: tens of milliseconds a time).
 */
export function sourceFingerprint(root: string = REPO_ROOT): string {
  const known = fingerprints.get(root);
  if (known !== undefined) return known;
  const hash = createHash('sha256').update(readFileSync(__filename)).update(process.version);
  const installed = join(root, 'node_modules', '.package-lock.json');
  for (const file of [...filesUnder(root, root, []).sort(), installed]) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      content = Buffer.from('(absent)');
    }
    hash.update(relative(root, file)).update('\0').update(content).update('\0');
  }
  const fingerprint = hash.digest('hex').slice(0, 32);
  fingerprints.set(root, fingerprint);
  return fingerprint;
}

export interface CachedSynthesis {
  /** Names the synthesis, for a reader of the cache folder. */
  readonly name: string;
  /** What the synthesis depends on besides the repository: props, context; JSON-serialisable. */
  readonly inputs: unknown;
  /** The files where the construct tree is built (the caller's `__filename`). */
  readonly sources: readonly string[];
  /** Builds and synthesizes the tree: called only on a miss. */
  readonly synthesize: () => TemplateJson;
}

/** The template `synthesize` returns, from disk when an earlier run stored it under the same key. */
export function cachedTemplate(synthesis: CachedSynthesis, options: SynthCacheOptions = {}): TemplateJson {
  const root = options.root ?? REPO_ROOT;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const fingerprint = sourceFingerprint(root);
  const environment = Object.entries(process.env).filter(([name]) => name.startsWith('CDK_')).sort(([a], [b]) => a.localeCompare(b));
  const own = createHash('sha256').update(JSON.stringify([synthesis.name, synthesis.inputs, environment]));
  for (const source of synthesis.sources) own.update('\0').update(readFileSync(source));
  const file = join(cacheDir, `${fingerprint}-${synthesis.name.replace(/[^A-Za-z0-9-]/g, '_')}-${own.digest('hex').slice(0, 16)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TemplateJson;
  } catch {
    // A miss (or a half-written file from a killed run, which renameSync below makes impossible): synthesize.
  }
  const template = synthesis.synthesize();
  mkdirSync(cacheDir, { recursive: true });
  // Entries of older sources are never hit again: dropped, so the folder holds one generation.
  for (const old of readdirSync(cacheDir)) if (!old.startsWith(fingerprint) && !old.endsWith('.partial')) rmSync(join(cacheDir, old), { force: true });
  // Written whole then renamed: a jest worker reading concurrently sees no file or the whole file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(template));
  renameSync(partial, file);
  return template;
}
