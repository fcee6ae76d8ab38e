import { allStates, type AslDefinition, type AslState } from '../statemachine/definition';
import type { EventLog } from '../statemachine/local-runner';
import type { SimNode, SimPoll, SimTask } from './simulation';
import type { TaskInvocation } from './traced-tasks';

const PLACEHOLDER = /^\$\{([A-Za-z0-9]+)FunctionArn\}$/;

type EnteredEvent = Extract<EventLog, { type: 'StateEntered' }>;

/** A Wait-state loop of the definition and the gate its check waits for; `firstWaitState` its first wait, if it has one of its own. */
export interface PollLoop {
  readonly waitState: string;
  readonly firstWaitState?: string;
  readonly gate: string;
}

/**
 * The path the traced local run took through the definition, as simulation steps: every state it entered, in
 * its Parallel branch or Map iteration, each Task with the AWS calls its invocation made. Then each poll loop
 * (check task; choice; wait ...) becomes one SimPoll, whose iterations the simulation decides.
 */
export function planOfRun(definition: AslDefinition, events: readonly EventLog[], invocations: readonly TaskInvocation[], polls: readonly PollLoop[]): SimNode[] {
  const queues = new Map<string, TaskInvocation[]>();
  for (const invocation of [...invocations].sort((a, b) => a.sequence - b.sequence)) {
    const queue = queues.get(invocation.task) ?? [];
    queue.push(invocation);
    queues.set(invocation.task, queue);
  }
  const entered = events.filter((event): event is EnteredEvent => event.type === 'StateEntered');
  const plan = scopePlan(definition, entered, queues);
  const left = [...queues.values()].flat();
  if (left.length > 0) {
    throw new Error(`the traced run has invocations no state entry accounts for (retries?): ${left.map((invocation) => invocation.task).join(', ')}`);
  }
  return polls.reduce((nodes, poll) => withPoll(nodes, definition, poll), plan);
}

function scopePlan(scope: AslDefinition, entered: readonly EnteredEvent[], queues: Map<string, TaskInvocation[]>): SimNode[] {
  const nodes: SimNode[] = [];
  for (const event of entered) {
    const name = event.state.name;
    const state = scope.States[name];
    if (!state) continue;
    switch (state.Type) {
      case 'Task': {
        const task = taskNameOf(name, state);
        const invocation = queues.get(task)?.shift();
        if (!invocation) throw new Error(`state ${name} was entered but its handler ${task} has no traced invocation left`);
        nodes.push({ kind: 'task', task, actions: invocation.actions });
        break;
      }
      case 'Wait':
        nodes.push({ kind: 'wait', name, seconds: typeof state.Seconds === 'number' ? state.Seconds : 0 });
        break;
      case 'Parallel': {
        onlyOnce(entered, name);
        const branches = (state.Branches ?? []).map((branch) => scopePlan(branch, within(branch, entered), queues));
        nodes.push({ kind: 'parallel', name, branches });
        break;
      }
      case 'Map': {
        onlyOnce(entered, name);
        const iterator = state.ItemProcessor ?? state.Iterator;
        if (!iterator) throw new Error(`Map state ${name} has no ItemProcessor`);
        const byIndex = new Map<number, EnteredEvent[]>();
        for (const inner of within(iterator, entered)) {
          const list = byIndex.get(inner.index ?? 0) ?? [];
          list.push(inner);
          byIndex.set(inner.index ?? 0, list);
        }
        const iterations = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => scopePlan(iterator, list, queues));
        nodes.push({ kind: 'map', name, iterations });
        break;
      }
      default:
        nodes.push({ kind: 'state', name });
    }
  }
  return nodes;
}

function within(scope: AslDefinition, entered: readonly EnteredEvent[]): EnteredEvent[] {
  const names = new Set(allStates(scope).map(([name]) => name));
  return entered.filter((event) => names.has(event.state.name));
}

function onlyOnce(entered: readonly EnteredEvent[], name: string): void {
  const times = entered.filter((event) => event.state.name === name).length;
  if (times !== 1) throw new Error(`state ${name} was entered ${times} times; the plan handles a Parallel or Map entered once`);
}

function taskNameOf(stateName: string, state: AslState): string {
  const match = PLACEHOLDER.exec(String(state.Resource ?? ''));
  if (!match?.[1]) throw new Error(`Task ${stateName} has no \${<Name>FunctionArn} resource`);
  return match[1];
}

/** The states of a Wait loop, read from the definition: Wait -> ... -> the check Task -> the Choice that loops back. */
export function pollShape(definition: AslDefinition, waitState: string): { check: string; decide: string; loop: SimNode[]; maxIterations: number } {
  const states = new Map(allStates(definition));
  const loop: SimNode[] = [];
  let name: string | undefined = waitState;
  for (let steps = 0; name && steps < 20; steps += 1) {
    const state = states.get(name);
    if (!state) break;
    if (state.Type === 'Task') {
      const decide = String(state.Next ?? '');
      if (states.get(decide)?.Type !== 'Choice') throw new Error(`the check ${name} of the loop at ${waitState} is not followed by a Choice`);
      // The Pass that enters the loop from outside sets its bound (Result.maxAttempts, counted in waits).
      const inLoop = new Set(loop.map((node) => ('name' in node ? node.name : '')));
      const starter = [...states.entries()].find(([candidate, entry]) => entry.Type === 'Pass' && entry.Next === name && !inLoop.has(candidate));
      const result = starter?.[1].Result as { maxAttempts?: unknown } | undefined;
      const maxIterations = typeof result?.maxAttempts === 'number' ? result.maxAttempts : Infinity;
      return { check: taskNameOf(name, state), decide, loop, maxIterations };
    }
    loop.push(state.Type === 'Wait' ? { kind: 'wait', name, seconds: typeof state.Seconds === 'number' ? state.Seconds : 0 } : { kind: 'state', name });
    name = typeof state.Next === 'string' ? state.Next : undefined;
  }
  throw new Error(`no check Task found after the Wait state ${waitState}`);
}

/** Replaces `check, decide, (loop, check, decide)*` in the plan (at any depth) by one SimPoll. */
function withPoll(nodes: readonly SimNode[], definition: AslDefinition, poll: PollLoop): SimNode[] {
  const shape = pollShape(definition, poll.waitState);
  const hasFirstWait = poll.firstWaitState !== undefined && allStates(definition).some(([name]) => name === poll.firstWaitState);
  const firstLoop = hasFirstWait ? pollShape(definition, poll.firstWaitState!).loop : undefined;
  const namesOf = (loop: readonly SimNode[]) => loop.map((node) => ('name' in node ? node.name : ''));
  const loopNames = [namesOf(shape.loop), ...(firstLoop ? [namesOf(firstLoop)] : [])];
  const rewrite = (sequence: readonly SimNode[]): SimNode[] => {
    const out: SimNode[] = [];
    for (let index = 0; index < sequence.length; index += 1) {
      const node = sequence[index]!;
      if (node.kind === 'parallel') {
        out.push({ ...node, branches: node.branches.map(rewrite) });
        continue;
      }
      if (node.kind === 'map') {
        out.push({ ...node, iterations: node.iterations.map(rewrite) });
        continue;
      }
      if (node.kind !== 'task' || node.task !== shape.check) {
        out.push(node);
        continue;
      }
      // Skip the recorded repetitions: the simulation decides how many there are.
      let end = index + 1;
      if (isState(sequence[end], shape.decide)) end += 1;
      for (;;) {
        const names = loopNames.find((candidate) => candidate.every((name, offset) => isState(sequence[end + offset], name)));
        if (!names) break;
        const after = end + names.length;
        const check = sequence[after];
        if (check?.kind !== 'task' || check.task !== shape.check) break;
        end = after + 1 + (isState(sequence[after + 1], shape.decide) ? 1 : 0);
      }
      const simPoll: SimPoll = {
        kind: 'poll',
        gate: poll.gate,
        check: node as SimTask,
        decide: { kind: 'state', name: shape.decide },
        ...(firstLoop ? { firstLoop } : {}),
        loop: shape.loop,
        maxIterations: shape.maxIterations,
      };
      out.push(simPoll);
      index = end - 1;
    }
    return out;
  };
  return rewrite(nodes);
}

function isState(node: SimNode | undefined, name: string): boolean {
  return node !== undefined && (node.kind === 'state' || node.kind === 'wait') && node.name === name;
}
