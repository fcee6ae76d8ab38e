import { basename } from 'node:path';
import { TASKS, type TaskName } from '../../functions/shared/task-registry';
import { allStates, DEPLOYED_DEFINITION_PATHS, readDefinitionText, taskOfResource, type AslDefinition } from '../../statemachine/definition';

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
    for (const path of DEPLOYED_DEFINITION_PATHS) {
      const definition = JSON.parse(readDefinitionText(path)) as AslDefinition;
      for (const [name, state] of allStates(definition)) {
        const task = state.Type === 'Task' ? taskOfResource(state.Resource ?? '') : undefined;
        if (task && !name.includes(task)) misnamed.push(`${basename(path)}: ${name} invokes ${task}`);
      }
    }
    expect(misnamed).toEqual([]);
  });
});
