import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { TASKS, type TaskName } from '../functions/shared/task-registry';
import type { DeployedTaskConfig } from './deployed-config';
import { median } from './stats';

/** Inside the repository (git-ignored), so that a bundle with external modules still resolves them. */
const BUNDLE_DIR = join(__dirname, 'out', 'bundles');
const FUNCTIONS_DIR = join(__dirname, '..', 'functions');

interface TaskFootprint {
  readonly task: TaskName;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  /** The bundle with the other AWS SDK choice of the stack (bundleAwsSdk flipped). */
  readonly otherSdkChoiceBytes: number;
  /** The three largest contributors to the bundle, by package (`own code` = functions/). */
  readonly largest: Array<{ readonly name: string; readonly bytes: number }>;
  /** require() of the bundle in a fresh Node process, with the NODE_OPTIONS the stack sets: median of importRunsMs. */
  readonly importMs: number;
  readonly importRunsMs: number[];
  /** The AWS SDK client packages the bundle imports (`@aws-sdk/client-ec2`, ...). */
  readonly sdkClients: string[];
  /**
   * importMs over the import of those clients alone (baselines, the same bundling, the same rounds): what the
   * task's own code and shared modules add to a cold start. Absent for a task that uses no client.
   */
  readonly importRatio?: number;
}

/** A bare import of a set of SDK clients: `export * from` each, bundled as the tasks are. */
interface ClientsBaseline {
  readonly sdkClients: string[];
  readonly importMs: number;
  readonly importRunsMs: number[];
}

export interface Footprint {
  readonly tasks: TaskFootprint[];
  readonly baselines: ClientsBaseline[];
  /** Import timings per task: as many rounds as fitted the time budget (at least one, at most maxRuns). */
  readonly rounds: number;
}

/**
 * Bundles every task as the stack does (esbuild, with a metafile) and times the bundle's import in fresh
 * processes, in rounds over all tasks (so that a change of machine load affects every task alike) for as long as
 * another round fits before `deadline` (a performance.now() value).
 */
export async function measureFootprint(config: DeployedTaskConfig, options: { readonly maxRuns: number; readonly deadline: number }): Promise<Footprint> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  const tasks = Object.keys(TASKS) as TaskName[];
  const bundles = await bundleAll(tasks, config, BUNDLE_DIR);
  const flipped: DeployedTaskConfig = { ...config, bundling: { ...config.bundling, bundleAwsSdk: !config.bundling.bundleAwsSdk } };
  const otherChoice = await bundleAll(tasks, flipped, join(BUNDLE_DIR, 'other-sdk-choice'));

  const baselineBundles = await bundleBaselines(bundles, config, join(BUNDLE_DIR, 'baselines'));

  const runs = new Map<string, number[]>([...tasks, ...baselineBundles.keys()].map((key) => [key, []]));
  // Each baseline right before the tasks that use the same clients, so that a change of load hits both alike.
  const order: Array<{ key: string; outfile: string }> = [];
  for (const [key, outfile] of baselineBundles) {
    order.push({ key, outfile }, ...bundles.filter((bundle) => clientsKey(bundle.sdkClients) === key).map((bundle) => ({ key: bundle.task, outfile: bundle.outfile })));
  }
  order.push(...bundles.filter((bundle) => bundle.sdkClients.length === 0).map((bundle) => ({ key: bundle.task, outfile: bundle.outfile })));
  const round = async (): Promise<number> => {
    const started = performance.now();
    for (const { key, outfile } of order) runs.get(key)!.push(await importTime(outfile, config.nodeOptions));
    return performance.now() - started;
  };
  let rounds = 1;
  let lastRound = await round();
  for (; rounds < options.maxRuns && performance.now() + lastRound < options.deadline; rounds += 1) lastRound = await round();

  const baselineMs = (clients: readonly string[]) => (clients.length > 0 ? median(runs.get(clientsKey(clients))!) : undefined);
  const footprints = bundles.map(({ task, outfile, inputs, sdkClients }, index): TaskFootprint => {
    const importMs = median(runs.get(task)!);
    const baseline = baselineMs(sdkClients);
    return {
      task,
      bundleBytes: statSync(outfile).size,
      sourceMapBytes: config.bundling.sourcemap ? statSync(`${outfile}.map`).size : 0,
      otherSdkChoiceBytes: statSync(otherChoice[index]!.outfile).size,
      largest: largestPackages(inputs),
      importMs,
      importRunsMs: runs.get(task)!,
      sdkClients,
      ...(baseline ? { importRatio: importMs / baseline } : {}),
    };
  });
  const baselines = [...baselineBundles.keys()].map((key): ClientsBaseline => ({ sdkClients: key.split('+'), importMs: median(runs.get(key)!), importRunsMs: runs.get(key)! }));
  return { tasks: footprints, baselines, rounds };
}

const clientsKey = (clients: readonly string[]): string => clients.join('+');

/** One bundle per distinct set of SDK clients the tasks use: `export * from` each client package, nothing else. */
async function bundleBaselines(bundles: readonly Bundle[], config: DeployedTaskConfig, outdir: string): Promise<Map<string, string>> {
  mkdirSync(outdir, { recursive: true });
  const sets = new Map(bundles.filter((bundle) => bundle.sdkClients.length > 0).map((bundle) => [clientsKey(bundle.sdkClients), bundle.sdkClients]));
  const outfiles = new Map<string, string>();
  for (const [key, clients] of sets) {
    const outfile = join(outdir, `${key.replace(/@aws-sdk\/client-/g, '').replace(/\+/g, '-')}.js`);
    await build({
      stdin: { contents: clients.map((client) => `export * from '${client}';`).join('\n'), resolveDir: FUNCTIONS_DIR, loader: 'ts' },
      outfile,
      ...esbuildOptions(config),
    });
    outfiles.set(key, outfile);
  }
  return outfiles;
}

/** The SDK client packages a bundle imports: external imports, or bundled inputs from node_modules. */
function sdkClientsOf(output: Metafile['outputs'][string]): string[] {
  const external = output.imports.filter((entry) => entry.external).map((entry) => /^(@aws-sdk\/client-[^/]+)/.exec(entry.path)?.[1]);
  const bundled = Object.keys(output.inputs).map((path) => /node_modules\/(@aws-sdk\/client-[^/]+)\//.exec(path)?.[1]);
  return [...new Set([...external, ...bundled].filter((name): name is string => Boolean(name)))].sort();
}

interface Bundle {
  readonly task: TaskName;
  readonly outfile: string;
  readonly inputs: Metafile['outputs'][string]['inputs'];
  readonly sdkClients: string[];
}

/** How the stack's esbuild bundles a task function. */
function esbuildOptions(config: DeployedTaskConfig) {
  return {
    bundle: true,
    platform: 'node' as const,
    format: config.bundling.format,
    target: config.bundling.target,
    minify: config.bundling.minify,
    sourcemap: config.bundling.sourcemap,
    external: config.bundling.bundleAwsSdk ? [] : ['@aws-sdk/*'],
    metafile: true as const,
    logLevel: 'silent' as const,
  };
}

/** One esbuild run for all tasks (each output still self-contained, as the stack's one-per-function bundles are): shared modules are parsed once. */
async function bundleAll(tasks: readonly TaskName[], config: DeployedTaskConfig, outdir: string): Promise<Bundle[]> {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: Object.fromEntries(tasks.map((task) => [task, join(FUNCTIONS_DIR, TASKS[task])])),
    outdir,
    ...esbuildOptions(config),
  });
  const outputs = Object.entries(result.metafile.outputs);
  return tasks.map((task) => {
    const outfile = join(outdir, `${task}.js`);
    const output = outputs.find(([path]) => path.endsWith(`/${task}.js`))?.[1];
    if (!output) throw new Error(`esbuild wrote no ${task}.js`);
    return { task, outfile, inputs: output.inputs, sdkClients: sdkClientsOf(output) };
  });
}

function largestPackages(inputs: Record<string, { bytesInOutput: number }>): Array<{ name: string; bytes: number }> {
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'own code';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, bytes]) => ({ name, bytes }));
}

/** One fresh `node`: the time from before require() to after it, measured inside that process. */
async function importTime(outfile: string, nodeOptions: readonly string[]): Promise<number> {
  const script = `const s = performance.now(); require(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - s));`;
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_MAX_ATTEMPTS: '1' };
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [...nodeOptions, '-e', script], { env, timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(out)));
  });
  return Number(stdout);
}
