import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { buildSync } from 'esbuild';
import { prebundledFolderOf } from '../function-code';
import { FUNCTIONS_DIR } from '../functions-dir';

/**
 * Builds the npm package (run by `npm pack`/`npm publish` as `prepack`): dist/ holds the construct library as
 * JavaScript with type declarations (tsconfig.build.json), the ASL and schema files it reads at synthesis, and
 * every handler bundled once (dist/lambda/<path below functions/>/index.js), so a user's app synthesizes the
 * construct without esbuild or Docker (infra/function-code.ts).
 */
const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const DATA_FILES = ['statemachine/provision.asl.json', 'statemachine/release.asl.json', 'statemachine/teardown.asl.json', 'functions/shared/request.schema.json'];

/** Every handler module below functions/: a file that exports `handler`. */
function handlerEntries(dir = FUNCTIONS_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return handlerEntries(full);
    return name.endsWith('.ts') && /^export (const|async function|function) handler\b/m.test(readFileSync(full, 'utf8')) ? [full] : [];
  });
}

function buildPackage(): void {
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  // The CLI as JavaScript (cli/bin.cjs runs it when installed, where tsx, a devDependency, is not): its modules,
  // every handler the local runner requires, and the moto start-up hook it points Python at.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.cli.json')], { cwd: ROOT, stdio: 'inherit' });
  cpSync(join(ROOT, 'local', 'moto-python'), join(DIST, 'local', 'moto-python'), { recursive: true });
  for (const file of DATA_FILES) {
    mkdirSync(join(DIST, file, '..'), { recursive: true });
    copyFileSync(join(ROOT, file), join(DIST, file));
  }
  const entries = handlerEntries();
  for (const entry of entries) {
    // The options of ProductFunction's NodejsFunction bundling (infra/product-function.ts), AWS SDK external.
    buildSync({
      entryPoints: [entry],
      outfile: join(DIST, 'lambda', prebundledFolderOf(FUNCTIONS_DIR, entry), 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      minify: true,
      sourcemap: true,
      external: ['@aws-sdk/*'],
      logLevel: 'warning',
    });
  }
  process.stdout.write(`lambda-egress package: ${relative(ROOT, DIST)}${sep} built, ${entries.length} handlers bundled\n`);
}

if (require.main === module) buildPackage();
