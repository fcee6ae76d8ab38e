import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { CONFIRM_PAUSE_ENV } from '../functions/undo/confirm-gone';
import { TASKS, isTaskName } from '../functions/shared/task-registry';
import { allStates, readDefinitionText, substitute, placeholdersOf, taskOfResource, type AslDefinition, type AslState, PROVISION_DEFINITION_PATH } from './definition';

/** An event of the interpreter's log (state entered/exited/failed/retried/caught, map, parallel, execution). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncIterable<infer Event> ? Event : never;

/** A task handler as the runner calls it: the state input in, the result out. */
export type LocalTask = (input: unknown) => Promise<unknown>;

export interface LocalRunOptions {
  /** ASL file to run. Default: statemachine/provision.asl.json. */
  readonly definitionPath?: string;
  /** Finds the handler of a `${<Name>FunctionArn}` task. Default: the handler file of functions/shared/task-registry.ts. */
  readonly resolveTask?: (taskName: string) => LocalTask;
  /** Name in the execution ARN. Default: lambda-egress-provision. */
  readonly stateMachineName?: string;
  /** Execution name (the id is derived from it). Default: a timestamped name. */
  readonly executionName?: string;
  readonly region?: string;
  readonly accountId?: string;
  /**
   * Wait states take 0 ms instead of their Seconds, except a wait for a lock (a Wait whose next state is an
   * AcquireNetworkLock task): there the execution waits for another execution, which takes as long in the
   * emulator as anywhere, so it waits `lockWaitMs`.
   */
  readonly skipWaits?: boolean;
  /** With skipWaits: how long a wait for a lock really waits. Default LOCAL_LOCK_WAIT_MS. */
  readonly lockWaitMs?: number;
  /** Retries happen at once instead of after IntervalSeconds/BackoffRate. */
  readonly skipRetryIntervals?: boolean;
  /** Called with every state, map, parallel and execution event, as it happens. */
  readonly onEvent?: (event: EventLog) => void;
  /** Called once with the execution's ARN before its first state runs (the CLI keeps an interrupted run by it). */
  readonly onStart?: (executionArn: string) => void;
  /**
   * The caller has validated this definition file already (`validateDefinition`): the interpreter skips its own
   * schema validation, 0.2-0.6 s of CPU per definition and process (the tests validate each file once per run).
   */
  readonly definitionValidated?: boolean;
}

export interface LocalRunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly executionArn: string;
  readonly executionName: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** StateEntered events: what Step Functions bills as state transitions. */
  readonly stateTransitions: number;
  readonly events: EventLog[];
}

/**
 * The lock wait with skipWaits: short, since the holder runs against an emulator that creates everything at
 * once, yet real, so AcquireNetworkLock's bounded attempts (LOCK_MAX_ATTEMPTS) outlast a concurrent build.
 */
const LOCAL_LOCK_WAIT_MS = 1000;

/** A Wait before a lock's acquisition waits for another execution (WaitForNetworkLock, release's TeardownWaitForNetworkLock). */
function waitsForAnotherExecution(wait: AslState, states: ReadonlyMap<string, AslState>): boolean {
  const next = typeof wait.Next === 'string' ? states.get(wait.Next) : undefined;
  return next?.Type === 'Task' && next.Resource !== undefined && taskOfResource(next.Resource) === 'AcquireNetworkLock';
}

/**
 * Requires the handler file of a task from functions/: TypeScript via jest's transform (test/emulator/esbuild-transform.js) or tsx, or the JavaScript the
 * package's CLI is compiled to (dist/, tsconfig.cli.json), hence no extension.
 */
export function registryTask(taskName: string): LocalTask {
  if (!isTaskName(taskName)) throw new Error(`no task named ${taskName} in functions/shared/task-registry.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(join(__dirname, '..', 'functions', TASKS[taskName].replace(/\.ts$/, ''))) as { handler?: LocalTask };
  if (typeof module.handler !== 'function') throw new Error(`${TASKS[taskName]} exports no handler`);
  return module.handler;
}

/**
 * Runs an ASL definition in-process with aws-local-stepfunctions: every `${NameFunctionArn}` Task runs the
 * matching handler, errors reach Retry/Catch by their `name`, and a failing task's Cause has Lambda's JSON
 * shape (`{"errorType","errorMessage"}`) exactly as on AWS.
 */
export async function runLocally(input: unknown, options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  // Unique even for executions started in the same millisecond (CLI processes started together): the execution
  // ARN owns the registry's locks.
  const executionName = options.executionName ?? `local-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const definitionPath = options.definitionPath ?? PROVISION_DEFINITION_PATH;
  const stateMachineName = options.stateMachineName ?? 'lambda-egress-provision';
  const executionArn = `arn:aws:states:${region}:${accountId}:execution:${stateMachineName}:${executionName}`;

  const text = readDefinitionText(definitionPath);
  const substituted = withTaskArns(text, region, accountId);
  const definition = JSON.parse(substituted) as AslDefinition;
  const resolve = options.resolveTask ?? registryTask;
  // Undo steps pause before re-asking a NotFound (functions/undo/confirm-gone.ts); skipped waits skip those too.
  if (options.skipWaits) process.env[CONFIRM_PAUSE_ENV] ??= '0';

  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  // The unsubstituted text names each Task's task; substitution changes no state names.
  const states = new Map(allStates(JSON.parse(text) as AslDefinition));
  for (const [stateName, state] of states) {
    if (state.Type === 'Wait' && options.skipWaits) waits[stateName] = waitsForAnotherExecution(state, states) ? (options.lockWaitMs ?? LOCAL_LOCK_WAIT_MS) : 0;
    if (state.Retry && options.skipRetryIntervals) retries[stateName] = 0;
    if (state.Type !== 'Task' || !state.Resource) continue;
    const taskName = taskOfResource(state.Resource);
    if (taskName) handlers[stateName] = asLambda(resolve(taskName));
  }

  const machine = machineFor(substituted, definition, options.definitionValidated === true);
  options.onStart?.(executionArn);
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    context: { Execution: { Id: executionArn, Name: executionName, RoleArn: `arn:aws:iam::${accountId}:role/local` } },
  });

  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      options.onEvent?.(event);
    }
  })();

  let result: Omit<LocalRunResult, 'events' | 'stateTransitions'>;
  try {
    const output = await execution.result;
    result = { status: 'SUCCEEDED', executionArn, executionName, output };
  } catch (error) {
    const failure = (error as { cause?: { name?: string; message?: string } }).cause ?? (error as Error);
    result = { status: 'FAILED', executionArn, executionName, error: failure.name ?? 'Error', cause: failure.message ?? '' };
  }
  await collecting;
  return { ...result, events, stateTransitions: events.filter((event) => event.type === 'StateEntered').length };
}

/**
 * One validated interpreter per definition text: the constructor's schema validation (asl-validator compiles
 * its JSON schemas with ajv on every call) costs 0.1-0.4 s, and a StateMachine keeps nothing of a run — `run`
 * builds each execution's state, events and abort signal afresh, and handlers, overrides and context are
 * per-run options — so one instance runs any number of executions, even at once.
 */
const machines = new Map<string, StateMachine>();

function machineFor(text: string, definition: AslDefinition, validated: boolean): StateMachine {
  let machine = machines.get(text);
  if (!machine) {
    machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, noValidate: validated } });
    machines.set(text, machine);
  }
  return machine;
}

/** The definition text with each `${<Name>FunctionArn}` replaced by a Lambda ARN in this region and account. */
function withTaskArns(text: string, region: string, accountId: string): string {
  const values = Object.fromEntries(placeholdersOf(text).map((name) => [name, `arn:aws:lambda:${region}:${accountId}:function:lambda-egress-${name}`]));
  return substitute(text, values);
}

/** Validates a definition file as runLocally's interpreter does (throws naming what is invalid), for `definitionValidated`. */
export function validateDefinition(definitionPath: string): void {
  const definition = JSON.parse(withTaskArns(readDefinitionText(definitionPath), 'us-east-1', '000000000000')) as AslDefinition;
  new StateMachine(definition as never, { validationOptions: { checkArn: false } });
}

/** What the Lambda service does to a thrown error: errorType = name, Cause = JSON of errorType/errorMessage. */
function asLambda(task: LocalTask): (input: unknown) => Promise<unknown> {
  return async (input) => {
    try {
      return await task(input);
    } catch (error) {
      const thrown = error instanceof Error ? error : new Error(String(error));
      const lambdaError = new Error(JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message }));
      lambdaError.name = thrown.name;
      throw lambdaError;
    }
  };
}
