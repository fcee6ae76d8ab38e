import type { TaskName } from '../functions/shared/task-registry';
import { functionArnPlaceholder } from './definition';
import { STANDARD_RETRY, type RetryPolicy } from './retry-policies';

/** A state as the source writes it: plain ASL, keys in the order the generated file shows them. */
export interface StateSource {
  readonly Type: string;
  readonly [key: string]: unknown;
}

/** A state machine (or a Parallel branch, a Map's processor) as the source writes it. */
export interface MachineSource {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Readonly<Record<string, StateSource>>;
}

interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath: string;
  readonly Next: string;
}

type Transition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };

interface TaskOptions {
  readonly Comment?: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly ResultPath?: string;
  /** @default DEFAULT_TASK_TIMEOUT_SECONDS */
  readonly TimeoutSeconds?: number;
  /** This task's own retry policies (retry-policies.ts), tried after STANDARD_RETRY. @default none */
  readonly retry?: readonly RetryPolicy[];
  /** Catchers that route somewhere else than the group's failure state (see failingTo). @default none */
  readonly Catch?: readonly Catcher[];
}

/** What a Task gets without TimeoutSeconds; explicit, because AWS would otherwise wait up to a year. */
const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

/**
 * A Task that invokes the function of `name` (`${<Name>FunctionArn}`, one per task of functions/shared/task-registry.ts):
 * STANDARD_RETRY first, then the task's own policies. A task name that the registry lacks does not compile.
 */
export function task(name: TaskName, options: TaskOptions & Transition): StateSource {
  const { Comment, Parameters, ResultPath, TimeoutSeconds, retry = [], Catch, Next, End } = options;
  return {
    Type: 'Task',
    Resource: `\${${functionArnPlaceholder(name)}}`,
    Comment,
    Parameters,
    ResultPath,
    TimeoutSeconds: TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS,
    Retry: [...STANDARD_RETRY, ...retry],
    Catch,
    Next,
    End,
  };
}

/** Any error, kept at `$.error` for the Fail state that reports it, goes to `next`. */
export function catchAllTo(next: string): Catcher {
  return { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next };
}

const CAN_CATCH = new Set(['Task', 'Parallel', 'Map']);

/**
 * The one place a group of states learns where its failures go: every Task, Parallel and Map in `states`
 * gets `catchAllTo(next)` as its last Catcher, after any of its own that route elsewhere.
 */
export function failingTo(next: string, states: Readonly<Record<string, StateSource>>): Record<string, StateSource> {
  return Object.fromEntries(Object.entries(states).map(([name, state]) => [name, CAN_CATCH.has(state.Type) ? withCatcher(state, catchAllTo(next)) : state]));
}

function withCatcher(state: StateSource, catcher: Catcher): StateSource {
  const { Catch, Next, End, ...rest } = state as StateSource & { Catch?: readonly Catcher[]; Next?: string; End?: true };
  return { ...rest, Catch: [...(Catch ?? []), catcher], Next, End };
}

/** The committed file's exact text: two-space JSON, one trailing newline (undefined keys are left out). */
export function renderDefinition(machine: MachineSource): string {
  return `${JSON.stringify(machine, null, 2)}\n`;
}

/** A bounded poll (pollLoop): how it is named, what it checks, when it is done, and how long it waits. */
interface PollLoopSource {
  /** Where the loop keeps its count and the last check (`$.<counter>`). */
  readonly counter: string;
  /**
   * `firstWait`: the Wait after the first check that found AWS not done yet, when it differs from the later ones
   * (firstWaitSeconds).
   */
  readonly states: {
    readonly start: string;
    readonly check: TaskName;
    readonly choice: string;
    readonly firstWait?: string;
    readonly wait: string;
    readonly count: string;
  };
  /** What the check task reads besides `execution` and `request`. @default nothing else */
  readonly checkParameters?: Readonly<Record<string, string>>;
  /** The Choice rule (a `Variable` under `$.<counter>.check` and its test) that ends the loop at `next`. */
  readonly done: { readonly when: Readonly<Record<string, unknown>>; readonly next: string };
  /** The state reached when the budget is spent: it must raise (or record) a named timeout. */
  readonly timeout: string;
  /** The first wait (states.firstWait): just under the earliest AWS is seen to finish, so that later polls can be short. */
  readonly firstWaitSeconds?: number;
  readonly waitSeconds: number;
  /** How long the loop may wait in all: the attempts are counted from it (pollAttempts). */
  readonly budgetSeconds: number;
  /** Why AWS makes us wait here. */
  readonly waitComment: string;
}

/** The waits a poll may make within its budget: the first wait, then as many later ones as fit (rounded up). */
function pollAttempts(loop: Pick<PollLoopSource, 'firstWaitSeconds' | 'waitSeconds' | 'budgetSeconds'>): number {
  const first = loop.firstWaitSeconds ?? loop.waitSeconds;
  return 1 + Math.ceil(Math.max(0, loop.budgetSeconds - first) / loop.waitSeconds);
}

/**
 * The states of a bounded poll: start (attempt 0) -> check task -> choice (done | attempts spent | wait) ->
 * Wait -> count (attempt + 1) -> check; with a first wait, the choice sends attempt 0 to it and every later
 * attempt to the (shorter) Wait. Waiting happens in a Wait state, never in a busy Lambda. The first check comes
 * at once: a repeated provision finds what it waits for done already.
 */
export function pollLoop(loop: PollLoopSource): Record<string, StateSource> {
  const at = `$.${loop.counter}`;
  const { start, check, choice, firstWait, wait, count } = loop.states;
  if ((firstWait === undefined) !== (loop.firstWaitSeconds === undefined)) throw new Error(`poll ${loop.counter}: states.firstWait and firstWaitSeconds go together`);
  const maxAttempts = pollAttempts(loop);
  return {
    [start]: { Type: 'Pass', Result: { attempt: 0, maxAttempts }, ResultPath: at, Next: check },
    [check]: task(check, {
      Parameters: { 'execution.$': '$.execution', 'request.$': '$.request', ...loop.checkParameters },
      ResultPath: `${at}.check`,
      Next: choice,
    }),
    [choice]: {
      Type: 'Choice',
      Choices: [
        { ...loop.done.when, Next: loop.done.next },
        { Variable: `${at}.attempt`, NumericGreaterThanEqualsPath: `${at}.maxAttempts`, Next: loop.timeout },
        ...(firstWait ? [{ Variable: `${at}.attempt`, NumericEquals: 0, Next: firstWait }] : []),
      ],
      Default: wait,
    },
    ...(firstWait ? { [firstWait]: { Type: 'Wait', Comment: loop.waitComment, Seconds: loop.firstWaitSeconds, Next: count } } : {}),
    [wait]: { Type: 'Wait', Comment: loop.waitComment, Seconds: loop.waitSeconds, Next: count },
    [count]: {
      Type: 'Pass',
      Parameters: { 'attempt.$': `States.MathAdd(${at}.attempt, 1)`, 'maxAttempts.$': `${at}.maxAttempts`, 'check.$': `${at}.check` },
      ResultPath: at,
      Next: check,
    },
  };
}

/** A branch of settledParallel: its own states, and the names of the two states settling its failure. */
interface SettledBranch extends MachineSource {
  /** The Pass state (made by settledParallel) that every failure in the branch goes to: it ends the branch with its state and `error`. */
  readonly settle: string;
  /** The Pass state after the Parallel (made by settledParallel) that puts this branch's error at `$.error` for `failTo`. */
  readonly raise: string;
}

interface SettledParallelSource {
  readonly name: string;
  readonly Comment: string;
  /** Each ends, when it succeeds, in a state whose output has no `error` key. */
  readonly branches: readonly SettledBranch[];
  /** Where the branches' outputs go, in branch order: each the branch's own output or, failed, its state with `error`. */
  readonly ResultPath: string;
  /** The Choice after the Parallel: the first failed branch, in branch order, goes to its `raise` state, else `Next`. */
  readonly choice: string;
  readonly choiceComment: string;
  readonly failTo: string;
  readonly Next: string;
}

/**
 * A Parallel whose branches settle instead of failing. When a branch fails, Step Functions stops the others
 * but not a Lambda invocation already running in them ("When a parallel state fails, invoked Lambda functions
 * continue to run": https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html, Error handling;
 * the local interpreter leaves a running handler's promise running the same way), so a compensation caught from
 * the Parallel could start while a task still creates something it then never finds. Here every Task, Map and
 * Parallel of a branch catches into the branch's settle state, the Parallel ends only once every branch has,
 * and the Choice after it sends the first failed branch's error, by its own name, to `failTo`.
 */
export function settledParallel(parallel: SettledParallelSource): Record<string, StateSource> {
  const { name, Comment, branches, ResultPath, choice, choiceComment, failTo, Next } = parallel;
  const settled: MachineSource[] = branches.map((branch) => ({
    Comment: branch.Comment,
    StartAt: branch.StartAt,
    // The settled branch keeps its whole state, so the ledgers of what it created before failing (a Map's
    // items that succeeded, the slices of its tasks) reach Rollback with the error.
    States: { ...failingTo(branch.settle, branch.States), [branch.settle]: { Type: 'Pass', Comment: 'Ends the branch with its whole state: $.error and the ledgers of what it created.', End: true } },
  }));
  return {
    [name]: { Type: 'Parallel', Comment, Branches: settled, ResultPath, Next: choice },
    [choice]: {
      Type: 'Choice',
      Comment: choiceComment,
      Choices: branches.map((branch, index) => ({ Variable: `${ResultPath}[${index}].error`, IsPresent: true, Next: branch.raise })),
      Default: Next,
    },
    ...Object.fromEntries(branches.map((branch, index) => [branch.raise, { Type: 'Pass', InputPath: `${ResultPath}[${index}].error`, ResultPath: '$.error', Next: failTo }])),
  };
}

interface SettledMapSource {
  readonly name: string;
  readonly Comment: string;
  /** The Map's own fields besides its processor and transitions (ItemsPath, ItemSelector, MaxConcurrency). */
  readonly map: Readonly<Record<string, unknown>>;
  /**
   * What runs per item; its Tasks, Maps and Parallels catch into `settle`, which ends the item with `{ error }`.
   * An item that succeeds ends in a state whose output has no `error` key. An item's input is its parent's data:
   * what its task created before failing travels in the error (functions/shared/ledger-on-error.ts).
   */
  readonly processor: MachineSource & { readonly settle: string };
  /** Where the items' results go, in item order: each the item's own output or its `{ error }`. */
  readonly ResultPath: string;
  /** The Choice after the Map: an item with `error` among the first `checkedByChoice` goes to `raise`, else `Next`. */
  readonly check: string;
  /**
   * How many items the Choice checks by index (no JSONPath filter: see settledMap). A longer result goes to
   * `raise` too, which checks every item.
   */
  readonly checkedByChoice: number;
  /**
   * A Map over the results, one at a time, that fails with the first item's error, by its own name and cause; and
   * the names of its item's states (state names are unique in the whole state machine).
   */
  readonly raise: string;
  readonly raiseStates: { readonly choice: string; readonly fail: string; readonly succeed: string };
  readonly Next: string;
}

/**
 * A Map whose items settle instead of failing: in an inline Map "any iteration failure causes the Map state to
 * fail", and the other iterations are stopped (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html,
 * ItemProcessor) but not a Lambda invocation already running in them (as in a Parallel, see settledParallel), so
 * a compensation caught from the Map could start while another item still creates something. Here every item
 * catches its own failure into `{ error }`, the Map ends only once every item has, and then fails with the first
 * item's error, by its own name and cause, for the Catch around it (the caller's failingTo).
 *
 * Without a JSONPath filter (`[?(@.error)]`), whose result on no match or one match the local interpreter returns
 * unlike AWS (undefined, or the match unwrapped): one Choice tests `error` on the first `checkedByChoice` items by
 * index (an index past the end is simply not present), the only state the success path gains; `raise` is entered
 * only when an item failed, or when there are more items than that.
 */
export function settledMap(settled: SettledMapSource): Record<string, StateSource> {
  const { name, Comment, map, processor, ResultPath, check, checkedByChoice, raise, raiseStates, Next } = settled;
  const itemErrors = Array.from({ length: checkedByChoice }, (_, index) => ({ Variable: `${ResultPath}[${index}].error`, IsPresent: true, Next: raise }));
  return {
    [name]: {
      Type: 'Map',
      Comment,
      ...map,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: processor.StartAt,
        States: { ...failingTo(processor.settle, processor.States), [processor.settle]: { Type: 'Pass', Parameters: { 'error.$': '$.error' }, End: true } },
      },
      ResultPath,
      Next: check,
    },
    [check]: {
      Type: 'Choice',
      Comment: `An item that failed goes to ${raise}, with every item settled.`,
      Choices: [...itemErrors, { Variable: `${ResultPath}[${checkedByChoice}]`, IsPresent: true, Next: raise }],
      Default: Next,
    },
    [raise]: {
      Type: 'Map',
      Comment: `Fails with the first failed item's error (Error and Cause as its Catch recorded them); with none (more than ${checkedByChoice} items, all created), goes on to ${Next}.`,
      ItemsPath: ResultPath,
      MaxConcurrency: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: raiseStates.choice,
        States: {
          [raiseStates.choice]: { Type: 'Choice', Choices: [{ Variable: '$.error', IsPresent: true, Next: raiseStates.fail }], Default: raiseStates.succeed },
          [raiseStates.fail]: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
          [raiseStates.succeed]: { Type: 'Succeed' },
        },
      },
      ResultPath: null,
      Next,
    },
  };
}
