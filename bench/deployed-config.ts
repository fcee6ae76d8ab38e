import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const INFRA_DIR = join(__dirname, '..', 'infra');

/** What the CDK stack deploys the task functions with, as far as cost and footprint depend on it. */
export interface DeployedTaskConfig {
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
  /** esbuild options of the stack's NodejsFunction bundling. */
  readonly bundling: { readonly minify: boolean; readonly sourcemap: boolean; readonly target: string; readonly format: 'cjs' | 'esm'; readonly bundleAwsSdk: boolean };
  /** NODE_OPTIONS the functions run with. */
  readonly nodeOptions: string[];
  /** Where each figure was read, or that it was assumed (and why). */
  readonly provenance: string[];
}

/**
 * Reads the figures from the stack's source (infra/product-function.ts, and infra/app.ts for an explicit
 * memorySize) rather than synthesising it, which would bundle every function again. A figure the source no
 * longer shows is assumed, and says so.
 */
export function deployedTaskConfig(): DeployedTaskConfig {
  const provenance: string[] = [];
  const source = readIfPresent(join(INFRA_DIR, 'product-function.ts'));
  const app = readIfPresent(join(INFRA_DIR, 'app.ts'));
  const find = (text: string, pattern: RegExp): string | undefined => pattern.exec(text)?.[1];

  const explicitMemory = find(app, /memorySize:\s*(\d+)/);
  const defaultMemory = find(source, /memorySize:\s*settings\.memorySize\s*\?\?\s*(\d+)/);
  const memoryMb = Number(explicitMemory ?? defaultMemory ?? 128);
  provenance.push(
    explicitMemory
      ? `memory ${memoryMb} MB: infra/app.ts`
      : defaultMemory
        ? `memory ${memoryMb} MB: the default of infra/product-function.ts (the stack sets no other)`
        : 'memory 128 MB: ASSUMED (Lambda default); infra/product-function.ts shows no memorySize',
  );

  const architectureName = find(source, /architecture:\s*Architecture\.(ARM_64|X86_64)/);
  const architecture = architectureName === 'X86_64' || !architectureName ? 'x86_64' : 'arm64';
  provenance.push(architectureName ? `architecture ${architecture}: infra/product-function.ts` : 'architecture x86_64: ASSUMED (Lambda default)');

  const flag = (name: string, fallback: boolean): boolean => {
    const value = find(source, new RegExp(`${name}:\\s*(true|false)`));
    if (value === undefined) provenance.push(`bundling ${name} ${fallback}: ASSUMED (NodejsFunction default)`);
    return value === undefined ? fallback : value === 'true';
  };
  const minify = flag('minify', false);
  const sourcemap = flag('sourceMap', false);
  const target = find(source, /target:\s*'([^']+)'/) ?? 'node22';
  const format = find(source, /format:\s*OutputFormat\.(ESM|CJS)/) === 'ESM' ? 'esm' : 'cjs';
  // Either always bundled (`externalModules: []`), or only when the app sets bundleAwsSdk (default false).
  const bundleAwsSdk = /externalModules:\s*\[\s*\]/.test(source) || /bundleAwsSdk:\s*true/.test(app);
  provenance.push(
    `bundling: minify ${minify}, sourcemap ${sourcemap}, ${format}, ${target}, AWS SDK ${bundleAwsSdk ? 'bundled' : "external (the runtime's)"}: infra/product-function.ts and infra/app.ts`,
  );

  const nodeOptions = find(source, /NODE_OPTIONS:\s*'([^']*)'/)?.split(/\s+/).filter(Boolean) ?? [];
  return { memoryMb, architecture, bundling: { minify, sourcemap, target, format, bundleAwsSdk }, nodeOptions, provenance };
}

function readIfPresent(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
