/**
 * Set by the end-to-end lane's global setup once it has validated every ASL file (statemachine/local-runner.ts
 * `validateDefinition`, as the interpreter would): the test helpers' runs then skip the interpreter's own
 * validation, which jest would otherwise repeat in every test file (it reloads the interpreter per file).
 */
export const DEFINITIONS_VALIDATED_ENV = 'LAMBDA_EGRESS_TEST_DEFINITIONS_VALIDATED';

/** For runLocally's `definitionValidated`: true when this run's global setup validated the definitions. */
export function definitionsValidated(): boolean {
  return process.env[DEFINITIONS_VALIDATED_ENV] === 'true';
}
