import type { LedgerEntry } from '../shared/types';
import type { RollbackOutcome } from './types';

/**
 * How long after its creation EC2 may still answer NotFound for a resource that exists: AWS advises retrying
 * "increasing gradually up to a few minutes of wait time"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html), and warns that a NotFound after
 * TerminateInstances "does not mean the instance was or will be terminated". Five minutes.
 */
const CONSISTENCY_WINDOW_MS = 5 * 60_000;

/** Answers a young entry's NotFound must repeat before it counts as gone, and the pause before each re-ask. */
const NOT_FOUND_CONFIRMATIONS = 3;
const DEFAULT_PAUSE_MS = 2_000;
/** Local runs (statemachine/local-runner.ts with skipWaits) set it to 0: the emulator's windows are counted, not timed. */
export const CONFIRM_PAUSE_ENV = 'LAMBDA_EGRESS_CONFIRM_GONE_PAUSE_MS';

/**
 * An undo step, with its NotFound judged: "already gone" at once for an entry older than the consistency window;
 * for a younger one (created by this execution a moment ago, or deleted by an earlier pass of this very
 * rollback) only once NOT_FOUND_CONFIRMATIONS answers in a row say so, asked with a growing pause between
 * them; any other answer (deleted, in use) is the step's. Rollback never takes the first NotFound for gone,
 * so it never reports gone a VPC that is still there.
 */
export async function withConfirmedNotFound(
  entry: Pick<LedgerEntry, 'createdAt'>,
  step: () => Promise<RollbackOutcome>,
  now: () => number = Date.now,
): Promise<RollbackOutcome> {
  const pause = Number(process.env[CONFIRM_PAUSE_ENV] ?? DEFAULT_PAUSE_MS);
  for (let answer = 1; ; answer += 1) {
    const outcome = await step();
    if (outcome !== 'already-gone') return outcome;
    const created = Date.parse(entry.createdAt);
    if (Number.isNaN(created) || now() - created >= CONSISTENCY_WINDOW_MS || answer >= NOT_FOUND_CONFIRMATIONS) return outcome;
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause * answer));
  }
}
