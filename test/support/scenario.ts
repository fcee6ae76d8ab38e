import type { LocalRunResult } from '../../statemachine/local-runner';

/** A fresh account prepared as the scenario needs (function, existing VPC, ...), and the request to run. */
export interface Scenario {
  readonly name: string;
  prepare(): Promise<{ request: unknown; functionName: string; roleName: string }>;
  /** A workflow run after the untouched provision (release + teardown): the faults go to its calls only. */
  readonly after?: AfterProvision;
}

/** The run that follows a clean provision, and how it judges itself under each fault. */
export interface AfterProvision {
  /** Actions its clean run must make (the matrix covers them). */
  readonly actions: readonly string[];
  /** Prepares the run on the provisioned account (e.g. a lingering Lambda ENI); its result goes to the checks. */
  prepare(provisioned: LocalRunResult): Promise<unknown>;
  run(): Promise<LocalRunResult>;
  /** undefined, or what is wrong after a run whose call was throttled once (`prepared`: what prepare returned). */
  throttled(run: LocalRunResult, prepared: unknown): Promise<string | undefined>;
  /** undefined, or what is wrong after a run whose call failed for good with `message`. */
  failed(run: LocalRunResult, prepared: unknown, message: string): Promise<string | undefined>;
}
