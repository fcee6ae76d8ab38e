import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderDefinition, type MachineSource } from './asl-builder';
import { PROVISION_DEFINITION_PATH, RELEASE_DEFINITION_PATH, TEARDOWN_DEFINITION_PATH } from './definition';
import { provisionDefinition } from './provision.definition';
import { releaseDefinition } from './release.definition';
import { teardownDefinition } from './teardown.definition';

/** Every committed ASL file and the source it is generated from. */
export const GENERATED_DEFINITIONS: ReadonlyArray<{ readonly path: string; readonly source: MachineSource }> = [
  { path: PROVISION_DEFINITION_PATH, source: provisionDefinition },
  { path: RELEASE_DEFINITION_PATH, source: releaseDefinition },
  { path: TEARDOWN_DEFINITION_PATH, source: teardownDefinition },
];

/**
 * `npm run build:asl` writes every ASL file from its source; `npm run build:asl -- --check` writes nothing
 * and exits 1 when a committed file differs from what its source generates.
 */
function main(check: boolean): number {
  let stale = 0;
  for (const { path, source } of GENERATED_DEFINITIONS) {
    const text = renderDefinition(source);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const name = relative(process.cwd(), path);
    if (current === text) {
      process.stdout.write(`${name}: up to date\n`);
    } else if (check) {
      process.stderr.write(`${name}: differs from its source; run npm run build:asl\n`);
      stale += 1;
    } else {
      writeFileSync(path, text);
      process.stdout.write(`${name}: written\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.includes('--check'));
