import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { TASKS, type TaskName } from '../functions/registry';
import type { DeployedTaskConfig } from './deployed-config';
import { median } from './stats';

/** Inside the repository (git-ignored), so that a bundle with external modules still resolves them. */
export const BUNDLE_DIR = join(__dirname, 'out', 'bundles');
const FUNCTIONS_DIR = join(__dirname, '..', 'functions');

export interface TaskFootprint {
  readonly task: TaskName;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  /** The bundle with the other AWS SDK choice of the stack (bundleAwsSdk flipped). */
  readonly otherSdkChoiceBytes: number;
  /** The three largest contributors to the bundle, by package (`own code` = functions/). */
  readonly largest: Array<{ readonly name: string; readonly bytes: number }>;
  /** require() of the bundle in a fresh Node process, with the NODE_OPTIONS the stack sets; median, ms. */
  readonly importMs: number;
  /** The same without --enable-source-maps; median, ms. */
  readonly importMsWithoutSourceMaps: number;
}

/** Bundles every task as the stack does (esbuild, with a metafile) and times the bundle's import in fresh processes. */
export async function measureFootprint(config: DeployedTaskConfig, runs: { readonly deployed: number; readonly plain: number }): Promise<TaskFootprint[]> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  const tasks = Object.keys(TASKS) as TaskName[];
  const bundles = await Promise.all(tasks.map((task) => bundle(task, config, BUNDLE_DIR)));
  const flipped: DeployedTaskConfig = { ...config, bundling: { ...config.bundling, bundleAwsSdk: !config.bundling.bundleAwsSdk } };
  const otherChoice = await Promise.all(tasks.map((task) => bundle(task, flipped, join(BUNDLE_DIR, 'other-sdk-choice'))));
  const footprints: TaskFootprint[] = [];
  for (const [index, { task, outfile, metafile }] of bundles.entries()) {
    const output = metafile.outputs[Object.keys(metafile.outputs).find((key) => key.endsWith('index.js')) ?? ''];
    footprints.push({
      task,
      bundleBytes: statSync(outfile).size,
      sourceMapBytes: config.bundling.sourcemap ? statSync(`${outfile}.map`).size : 0,
      otherSdkChoiceBytes: statSync(otherChoice[index]!.outfile).size,
      largest: largestPackages(output?.inputs ?? {}),
      importMs: median(await importTimes(outfile, config.nodeOptions, runs.deployed)),
      importMsWithoutSourceMaps: median(await importTimes(outfile, config.nodeOptions.filter((option) => option !== '--enable-source-maps'), runs.plain)),
    });
  }
  return footprints;
}

async function bundle(task: TaskName, config: DeployedTaskConfig, directory: string): Promise<{ task: TaskName; outfile: string; metafile: Metafile }> {
  const outdir = join(directory, task);
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.js');
  const result = await build({
    entryPoints: [join(FUNCTIONS_DIR, TASKS[task])],
    outfile,
    bundle: true,
    platform: 'node',
    format: config.bundling.format,
    target: config.bundling.target,
    minify: config.bundling.minify,
    sourcemap: config.bundling.sourcemap,
    external: config.bundling.bundleAwsSdk ? [] : ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'silent',
  });
  return { task, outfile, metafile: result.metafile };
}

function largestPackages(inputs: Record<string, { bytesInOutput: number }>): Array<{ name: string; bytes: number }> {
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'own code';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, bytes]) => ({ name, bytes }));
}

/** One fresh `node` per run: the time from before require() to after it, measured inside that process. */
async function importTimes(outfile: string, nodeOptions: readonly string[], runs: number): Promise<number[]> {
  const script = `const s = performance.now(); require(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - s));`;
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_MAX_ATTEMPTS: '1' };
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [...nodeOptions, '-e', script], { env, timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(out)));
    });
    times.push(Number(stdout));
  }
  return times;
}
