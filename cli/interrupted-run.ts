import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { releaseLocksOwnedBy } from '../functions/shared/registry/stale-locks';
import { REGISTRY_TABLE_ENV } from '../functions/shared/registry/table';
import type { LocalEnvironment } from '../local/local-environment';
import type { CliIo } from './io';

/** What a local run tells the watcher of its interruption: its ARN once known, and its end. */
interface InterruptedRunLocks {
  readonly onStart: (executionArn: string) => void;
  done(): void;
}

/**
 * On AWS, an execution that ends ABORTED has its locks freed at once by the EventBridge rule on its status change
 * (functions/membership/release-stale-locks.ts), not at lease expiry, and a network it was building is marked
 * failed. A local run the CLI is interrupted in (Ctrl-C, SIGTERM) ends the same way: the CLI does the rule's work
 * against the emulator's registry, so that the next run on the function or the network does not wait for an
 * execution that will never end. An embedded emulator goes with the command: nothing is left to free.
 */
export function releaseLocksOnInterrupt(io: Pick<CliIo, 'env' | 'onInterrupt'>, environment: Pick<LocalEnvironment, 'embedded' | 'region'>): InterruptedRunLocks {
  let executionArn: string | undefined;
  const remove = environment.embedded
    ? undefined
    : io.onInterrupt?.(async () => {
        const tableName = io.env[REGISTRY_TABLE_ENV];
        if (!executionArn || !tableName) return;
        await releaseLocksOwnedBy({ dynamodb: new DynamoDBClient({ region: environment.region }), tableName }, executionArn);
      }, 'freeing its locks');
  return {
    onStart: (arn) => {
      executionArn = arn;
    },
    done: () => remove?.(),
  };
}
