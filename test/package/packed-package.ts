import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');
export const EMBED_EXAMPLE = join(ROOT, 'examples', 'embed');

export interface PackedPackage {
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
  /** Every path inside it, relative to the package root. */
  readonly files: readonly string[];
}

/** `npm pack` of this repository, as a publish would run it (its prepack builds dist/). */
export async function npmPack(destination: string): Promise<PackedPackage> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  // prepack's own output comes first: the report is the JSON array at the end.
  const report = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const [packed] = report;
  if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

/**
 * The embed example copied to `appDir` with the tarball installed the way npm installs one (extracted into
 * node_modules/lambda-egress), offline: its dependencies and peer dependencies, and the example's own, are
 * linked from this repository's node_modules instead of being downloaded.
 */
export async function installExample(tarball: string, appDir: string): Promise<void> {
  cpSync(EMBED_EXAMPLE, appDir, { recursive: true, filter: (source) => !source.includes(`${join('embed', 'node_modules')}`) && !source.includes('cdk.out') });
  const installed = join(appDir, 'node_modules', 'lambda-egress');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = (path: string): Record<string, Record<string, string> | undefined> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string> | undefined>;
  const packaged = manifest(join(installed, 'package.json'));
  const example = manifest(join(appDir, 'package.json'));
  const names = new Set([...Object.keys(packaged.dependencies ?? {}), ...Object.keys(packaged.peerDependencies ?? {}), ...Object.keys(example.dependencies ?? {})]);
  names.delete('lambda-egress');
  for (const name of names) {
    const source = join(ROOT, 'node_modules', name);
    if (!existsSync(source)) throw new Error(`${name} is not installed in ${ROOT}/node_modules: run npm ci there first`);
    const target = join(appDir, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, 'dir');
  }
}

/** Runs a Node script of this repository's toolchain (tsc, tsx) in `cwd`; resolves with its exit code and output. */
export async function runNode(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}
