import { basename } from 'node:path';
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
