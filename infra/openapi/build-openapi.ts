import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { OPENAPI_PATH, openApiText } from './openapi-document';

/** `npm run build:openapi` writes docs/openapi.json; with `--check` it only says whether the file is current. */
function main(check: boolean): number {
  const text = openApiText();
  const current = existsSync(OPENAPI_PATH) ? readFileSync(OPENAPI_PATH, 'utf8') : '';
  const name = relative(process.cwd(), OPENAPI_PATH);
  if (check) {
    if (current === text) return 0;
    process.stderr.write(`${name} is not what infra/openapi/openapi-document.ts generates: run npm run build:openapi\n`);
    return 1;
  }
  mkdirSync(dirname(OPENAPI_PATH), { recursive: true });
  writeFileSync(OPENAPI_PATH, text);
  process.stdout.write(`${name} written\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.includes('--check'));
