import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

/**
 * The CLI compiled to JavaScript once per jest run, for the end-to-end lane's CLI processes (test/support/run-cli.ts).
 *
 * Through cli/bin.cjs in the checkout every CLI process loads tsx, which starts an esbuild service and looks each
 * of the ~300 modules up in its cache (on a fresh clone: compiles each one) before the first AWS call: about 2 s of
 * CPU for `completion bash`, against 1.3 s for the same modules as JavaScript. The compiled copy has the installed
 * package's layout (`npm pack`: infra/package/build-package.ts, tsconfig.cli.json), `<dir>/cli/bin.cjs` over
 * `<dir>/dist/<the sources' paths>.js`, so the real bin.cjs runs it by its installed-package branch, and the CLI's
 * own `__dirname` paths (the handlers the local runner requires, the ASL, moto-python, the emulator daemon) resolve
 * as they do in the package. The unit lane and test/cli/confirmation.test.ts keep spawning the checkout's bin (tsx).
 * It is compiled from the working tree at every run, so it is never stale.
 */
const ROOT = join(__dirname, '..', '..');
const SOURCE_FOLDERS = ['cli', 'functions', 'local', 'statemachine'];
/**
 * The clean-run recorder of the fault suite (test/support/fault-suite.ts spawns it while jest collects a file)
 * and the helpers it runs: through tsx each recording paid the same start-up as a CLI process.
 */
const RECORDER_SOURCES = ['test/support', 'test/statemachine/record-clean-run.ts'];
/** Files the compiled modules read or require beside themselves. */
const DATA_FILE = /\.(json|py)$/;

/** Where the CLI's copy goes: below the project's node_modules, so that its requires find the dependencies. */
export function compiledCliDir(runId: string): string {
  return join(ROOT, 'node_modules', '.cache', 'lambda-egress-test-cli', runId);
}

/** Compiles the CLI and the recorder into `dir` (emptied first) and returns `dir` (test/support/compiled-sources.ts finds them there). */
export async function compileCli(dir: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  const dist = join(dir, 'dist');
  const sources = [...SOURCE_FOLDERS, ...RECORDER_SOURCES].flatMap((path) => filesBelow(join(ROOT, path)));
  for (const data of sources.filter((file) => DATA_FILE.test(file))) {
    mkdirSync(join(dist, relative(ROOT, data), '..'), { recursive: true });
    copyFileSync(data, join(dist, relative(ROOT, data)));
  }
  // local/target-scope-config.ts reads the cdk.json beside the sources: the checkout's, as the tsx run does.
  copyFileSync(join(ROOT, 'cdk.json'), join(dist, 'cdk.json'));
  // The options of test/emulator/esbuild-transform.js (jest's transform of the same files), without its source maps.
  await build({
    entryPoints: sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
    outdir: dist,
    outbase: ROOT,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
    logLevel: 'warning',
  });
  cpSync(join(ROOT, 'cli', 'bin.cjs'), join(dir, 'cli', 'bin.cjs'));
  return dir;
}

/** The files below a folder, or the file itself. */
function filesBelow(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesBelow(join(path, name)));
}
