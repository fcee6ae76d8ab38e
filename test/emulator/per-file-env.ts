import { randomBytes } from 'node:crypto';

/**
 * Runs before each test file: a unique access key id is a unique moto account behind the fault proxy,
 * so files run in parallel in isolation. Everything else is the SDK's standard environment.
 */
const endpoint = process.env.LAMBDA_EGRESS_TEST_ENDPOINT;
if (endpoint) process.env.AWS_ENDPOINT_URL = endpoint;
process.env.AWS_ACCESS_KEY_ID = `AKIATEST${randomBytes(6).toString('hex').toUpperCase()}`;
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_DEFAULT_REGION = 'us-east-1';
// Retries belong to the state machine; a broken call must fail fast (EMULATOR.md).
process.env.AWS_MAX_ATTEMPTS = '1';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
// CDK's built-in template validation (a WASM engine: about 6 s of CPU at each file's first synthesis) repeats
// what cfn-lint checks: test/infra/stack.test.ts and observability.test.ts run cfn-lint on the synthesized
// templates, and the real `cdk deploy` of test/deploy (whose environment drops CDK_*) still validates.
process.env.CDK_VALIDATION ??= 'false';
