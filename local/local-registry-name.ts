import { REGISTRY_TABLE_ENV } from '../functions/shared/registry/table';

/** The table name local mode creates in the emulator and passes the tasks in REGISTRY_TABLE_NAME. */
export const LOCAL_REGISTRY_TABLE_NAME = 'lambda-egress-registry';

/** The registry table of a local run: the one REGISTRY_TABLE_NAME names when set, else local mode's own. */
export function localRegistryTableName(env: NodeJS.ProcessEnv): string {
  return env[REGISTRY_TABLE_ENV] || LOCAL_REGISTRY_TABLE_NAME;
}
