import { registryTask, type LocalRunOptions, type LocalRunResult } from '../../../statemachine/local-runner';
import { emulator } from '../../../local/test-support/emulator-control';
import { ensureRegistryTable } from '../../../local/local-registry';
import type { CallRecord } from '../../../local/test-support/fault-rules';
import { provision } from '../../support/harness';

/** One AWS call as the proxy recorded it, with what was sent and answered, and who made it. */
export interface RecordedCall extends CallRecord {
  /** The task that made the call, or `setup` for the test's own preparation (the user's resources). */
  readonly task: string;
  readonly details: NonNullable<CallRecord['details']>;
}

export interface RecordedPath {
  readonly name: string;
  readonly run: LocalRunResult;
  /** Every call of the account in order: the setup's first, then the workflow's. */
  readonly calls: RecordedCall[];
}

/**
 * Runs one path of the workflow in a fresh account with the proxy recording every call's request and answer.
 * Tasks run one at a time (Parallel branches take turns: their calls do not interleave), each labelled with
 * its task name, so every call is attributed to the task, and so to the role, that made it.
 */
export async function recordPath(
  name: string,
  prepare: () => Promise<unknown>,
  /** A workflow run after the provision (release, teardown) with the same labelling; its result is the path's run. */
  then?: (resolveTask: NonNullable<LocalRunOptions['resolveTask']>) => Promise<LocalRunResult>,
): Promise<RecordedPath> {
  await emulator.freshAccount();
  await emulator.recordDetails();
  await ensureRegistryTable();
  const request = await prepare();
  let turn: Promise<unknown> = Promise.resolve();
  const resolveTask: LocalRunOptions['resolveTask'] = (task) => {
    const real = registryTask(task);
    return (input) => {
      const mine = turn.then(async () => {
        await emulator.label(task);
        try {
          return await real(input);
        } finally {
          await emulator.label(undefined);
        }
      });
      turn = mine.catch(() => undefined);
      return mine;
    };
  };
  const setupCalls = (await emulator.calls()).length;
  const provisioned = await provision(request, { resolveTask });
  const run = then ? await then(resolveTask) : provisioned;
  const calls = (await emulator.calls()).map((call, index): RecordedCall => {
    if (!call.details) throw new Error(`${name}: call ${index} (${call.action}) has no recorded details`);
    if (index >= setupCalls && !call.label) throw new Error(`${name}: ${call.service}:${call.action} was made outside any task`);
    return { ...call, details: call.details, task: index < setupCalls ? 'setup' : (call.label ?? 'setup') };
  });
  return { name, run, calls };
}
