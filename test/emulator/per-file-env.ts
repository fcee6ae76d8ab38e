import { randomBytes } from 'node:crypto';
import { workerEmulator } from './worker-emulator';
import { REGISTRY_TABLE_ENV } from '../../functions/shared/registry/table';
import { LOCAL_REGISTRY_TABLE_NAME } from '../../local/local-registry-name';

/**
 * Runs before each test file: the file talks to its jest worker's emulator (global-setup.ts), and a unique
 * access key id is a unique moto account behind its fault proxy. Everything else is the SDK's standard environment.
 */
const emulator = workerEmulator();
if (emulator) {
  process.env.LAMBDA_EGRESS_TEST_ENDPOINT = emulator.proxyEndpoint;
  process.env.LAMBDA_EGRESS_TEST_MOTO_ENDPOINT = emulator.motoEndpoint;
  process.env.AWS_ENDPOINT_URL = emulator.proxyEndpoint;
}
process.env.AWS_ACCESS_KEY_ID = `AKIATEST${randomBytes(6).toString('hex').toUpperCase()}`;
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_DEFAULT_REGION = 'us-east-1';
// Retries belong to the state machine; a broken call must fail fast (EMULATOR.md).
process.env.AWS_MAX_ATTEMPTS = '1';
// Handlers read their table at cold start and know no default (functions/shared/environment.ts): local mode's.
process.env[REGISTRY_TABLE_ENV] = LOCAL_REGISTRY_TABLE_NAME;
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
// CDK's built-in template validation (a WASM engine: about 6 s of CPU at each file's first synthesis) repeats
// what cfn-lint checks: test/infra/stack.test.ts and observability.test.ts run cfn-lint on the synthesized
// templates, and the real `cdk deploy` of test/deploy (whose environment drops CDK_*) still validates.
process.env.CDK_VALIDATION ??= 'false';
