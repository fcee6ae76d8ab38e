import type { StepEvent } from '../functions/api/step-events';
import type { LocalEnvironment } from '../local/local-environment';
import { releaseLocksOnInterrupt } from './interrupted-run';
import type { CliIo } from './io';
import { localExecutionRecorder } from './local-executions';
import type { RunOutcome } from './output';

/** What a local command (provision, release, teardown) tells about its run, and what it learns back. */
interface LocalRunWatch {
  /** True when the session's emulator keeps the run (`status --local` answers for it afterwards). */
  readonly kept: boolean;
  readonly onStart: (executionArn: string) => void;
  readonly onStep: (event: StepEvent) => void;
  /** The run ended on its own: nothing is left for an interruption to do, and the session keeps its outcome. */
  end(outcome: RunOutcome): void;
}

/** The two things an interruption of a local run must not lose: the run itself (local-executions.ts) and its locks (interrupted-run.ts). */
export function watchLocalRun(io: Pick<CliIo, 'env' | 'onInterrupt'>, environment: Pick<LocalEnvironment, 'endpoint' | 'embedded' | 'region'>): LocalRunWatch {
  const recorder = localExecutionRecorder(io, environment.endpoint);
  const locks = releaseLocksOnInterrupt(io, environment);
  return {
    kept: recorder !== undefined,
    onStart: (executionArn) => {
      recorder?.onStart(executionArn);
      locks.onStart(executionArn);
    },
    onStep: (event) => recorder?.onStep(event),
    end: (outcome) => {
      locks.done();
      recorder?.save(outcome);
    },
  };
}
