import { join } from 'node:path';

/**
 * Set by the end-to-end lane's global setup: the directory of the sources compiled once for this jest run
 * (test/emulator/compiled-cli.ts), in the installed package's layout: `cli/bin.cjs` over `dist/<source path>.js`.
 */
export const COMPILED_SOURCES_ENV = 'LAMBDA_EGRESS_TEST_COMPILED_DIR';

/** The compiled JavaScript of a source file (its path from the project root, `.ts`), or undefined outside the e2e lane. */
export function compiledModule(sourcePath: string): string | undefined {
  const dir = process.env[COMPILED_SOURCES_ENV];
  return dir ? join(dir, 'dist', sourcePath.replace(/\.ts$/, '.js')) : undefined;
}

/** The compiled CLI's bin (the real cli/bin.cjs, copied beside dist/), or undefined outside the e2e lane. */
export function compiledBin(): string | undefined {
  const dir = process.env[COMPILED_SOURCES_ENV];
  return dir ? join(dir, 'cli', 'bin.cjs') : undefined;
}

/**
 * The environment a compiled process adds: Node's on-disk compile cache beside the compiled sources, which the
 * processes of a run share (about 0.2 s of CPU less per CLI process, mostly the AWS SDK's clients). Through tsx
 * it gained nothing (docs/architecture.md, "Where the time of `npm test` goes").
 */
export function compiledProcessEnv(): NodeJS.ProcessEnv {
  const dir = process.env[COMPILED_SOURCES_ENV];
  return dir ? { NODE_COMPILE_CACHE: join(dir, 'node-compile-cache') } : {};
}
