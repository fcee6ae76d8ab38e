import { join } from 'node:path';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TASKS, type TaskName } from '../functions/shared/task-registry';
import { ENI_CLEANUP_ROLE_ENV } from '../functions/undo/eni-cleanup-session';
import { TARGET_SCOPE_ENV, type TargetScope } from '../functions/shared/target-scope';
import { FUNCTIONS_DIR } from './functions-dir';
import { lambdaFunctionArn } from './policy-builders';
import { ProductFunction, type ProductFunctionSettings } from './product-function';
import { registryEnvironment, type RegistryTableRef } from './registry-grants';
import { taskGrants } from './task-permissions';
import { functionTimeoutSeconds, taskTimeoutsOf } from './task-timeouts';

export { FUNCTIONS_DIR };

interface TaskFunctionsProps extends ProductFunctionSettings {
  /** ARN of the role probe functions run as: passed to EnsureProbeFunction (PROBE_ROLE_ARN) and the only role it may pass. */
  readonly probeRoleArn: string;
  /** The registry table: its name goes to the tasks that use it (REGISTRY_TABLE_NAME), its ARN into their grants. */
  readonly registryTable: RegistryTableRef;
  /** ARN of the ENI cleanup role: passed to the undo engine's tasks (ENI_CLEANUP_ROLE_ARN), the only role they may assume. */
  readonly eniCleanupRoleArn: string;
  /** The stack's scope: narrows the task roles, and ValidateRequest refuses what is outside it (TARGET_SCOPE_ENV). */
  readonly scope?: TargetScope;
}

/** The tasks that read or write the registry. */
const REGISTRY_TASKS: ReadonlySet<TaskName> = new Set(['ValidateRequest', 'AcquireNetworkLock', 'ReleaseNetworkLock', 'RecordMembership', 'Rollback', 'ValidateTeardown', 'TeardownNetwork', 'ValidateRelease', 'RemoveMembership']);
/** The undo engine's tasks: they delete Lambda ENIs through the ENI cleanup role. */
export const ENI_CLEANUP_TASKS: readonly TaskName[] = ['Rollback', 'TeardownNetwork'];

/** One function per task of functions/shared/task-registry.ts, each with its own least-privilege role. */
export class TaskFunctions extends Construct {
  readonly functions: Readonly<Record<TaskName, LambdaFunction>>;
  readonly byTask: Readonly<Record<TaskName, ProductFunction>>;

  constructor(scope: Construct, id: string, props: TaskFunctionsProps) {
    super(scope, id);
    const timeouts = taskTimeoutsOf();
    const productFunctionsArn = productFunctionsArnOf(props.functionNamePrefix);
    const byTask = {} as Record<TaskName, ProductFunction>;
    for (const task of Object.keys(TASKS) as TaskName[]) {
      byTask[task] = new ProductFunction(this, task, {
        name: task,
        entry: join(FUNCTIONS_DIR, TASKS[task]),
        timeoutSeconds: functionTimeoutSeconds(timeouts.get(task)),
        grants: taskGrants(task, { probeRoleArn: props.probeRoleArn, registryTable: props.registryTable, eniCleanupRoleArn: props.eniCleanupRoleArn, productFunctionsArn, ...(props.scope ? { scope: props.scope } : {}) }),
        environment: {
          ...(task === 'EnsureProbeFunction' ? { PROBE_ROLE_ARN: props.probeRoleArn } : {}),
          ...(task === 'ValidateRequest' && props.scope ? { [TARGET_SCOPE_ENV]: JSON.stringify(props.scope) } : {}),
          ...(REGISTRY_TASKS.has(task) ? registryEnvironment(props.registryTable) : {}),
          ...(ENI_CLEANUP_TASKS.includes(task) ? { [ENI_CLEANUP_ROLE_ENV]: props.eniCleanupRoleArn } : {}),
        },
        settings: props,
        retriedByStateMachine: true,
      });
    }
    this.byTask = byTask;
    this.functions = Object.fromEntries(Object.entries(byTask).map(([task, fn]) => [task, fn.function])) as Record<TaskName, LambdaFunction>;
  }
}

/** ARN pattern of every function the product deploys (`<prefix>-*`). */
function productFunctionsArnOf(functionNamePrefix: string): string {
  return lambdaFunctionArn(`${functionNamePrefix}-*`);
}
