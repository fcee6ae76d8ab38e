import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TASKS, type TaskName } from '../../functions/shared/task-registry';

/** `EnsureNatGateway` -> `ensure-nat-gateway`: the file name a task's handler has (docs/architecture.md). */
function kebabOf(taskName: string): string {
  return taskName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

describe('task files are named after their task (docs/architecture.md "The areas of functions/")', () => {
  it('derives the file name from a task name', () => {
    expect(kebabOf('EnsureNatGateway')).toBe('ensure-nat-gateway');
    expect(kebabOf('RunProbe')).toBe('run-probe');
    expect(kebabOf('EnsureS3Endpoint')).toBe('ensure-s3-endpoint');
  });

  it("gives every task's handler file its task's name", () => {
    const misnamed = (Object.entries(TASKS) as Array<[TaskName, string]>)
      .filter(([name, file]) => basename(file, '.ts') !== kebabOf(name))
      .map(([name, file]) => `${name} -> ${file}`);
    expect(misnamed).toEqual([]);
  });
});

describe('Task states are named after their task', () => {
  it('names every Task state of the three workflows after the task it invokes (the task name, with a prefix or suffix where one task runs in several states)', () => {
    const misnamed: string[] = [];
    for (const workflow of ['provision', 'release', 'teardown']) {
      const definition = JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachine', `${workflow}.asl.json`), 'utf8')) as AslMachine;
      for (const [name, state] of taskStatesOf(definition)) {
        const task = /\$\{(\w+)FunctionArn\}/.exec(JSON.stringify(state))?.[1];
        if (task && !name.includes(task)) misnamed.push(`${workflow}: ${name} invokes ${task}`);
      }
    }
    expect(misnamed).toEqual([]);
  });
});

interface AslMachine {
  readonly States: Record<string, AslState>;
}
interface AslState {
  readonly Type: string;
  readonly Branches?: AslMachine[];
  readonly ItemProcessor?: AslMachine;
  readonly Iterator?: AslMachine;
}

function taskStatesOf(machine: AslMachine): Array<[string, AslState]> {
  return Object.entries(machine.States).flatMap(([name, state]): Array<[string, AslState]> => [
    ...(state.Type === 'Task' ? [[name, state] as [string, AslState]] : []),
    ...(state.Branches ?? []).flatMap(taskStatesOf),
    ...[state.ItemProcessor, state.Iterator].filter((inner): inner is AslMachine => inner !== undefined).flatMap(taskStatesOf),
  ]);
}
