import { task, type StateSource } from './asl-builder';
import { RETRY } from './retry-policies';

/** The state names (and the Task's comment) of one place the probe runs: a build's ProveAndAddS3Endpoint, a join's ProveJoin. */
interface ProbeBranchNames {
  readonly run: string;
  readonly proved: string;
  readonly settle: string;
  readonly raise: string;
  readonly Comment: string;
}

/** A settledParallel branch that invokes the probe (RunProbe) and ends with its answer alone at `$.probe`. */
export function probeBranch(names: ProbeBranchNames): { StartAt: string; settle: string; raise: string; States: Record<string, StateSource> } {
  return {
    StartAt: names.run,
    settle: names.settle,
    raise: names.raise,
    States: {
      [names.run]: task('RunProbe', { Comment: names.Comment, ResultPath: '$.probe', TimeoutSeconds: 120, retry: [RETRY.probeNotReady], Next: names.proved }),
      [names.proved]: { Type: 'Pass', Parameters: { 'probe.$': '$.probe' }, End: true },
    },
  };
}
