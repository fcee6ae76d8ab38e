/**
 * The CloudFormation stack `npx cdk deploy` creates (infra/app.ts) and the output naming its state machine:
 * the stack defines them, the CLI finds the deployed state machine by them.
 */
export const DEFAULT_STACK_NAME = 'LambdaEgress';
export const STATE_MACHINE_OUTPUT = 'StateMachineArn';
/** The output naming the registry table (networks, members, locks): `lambda-egress networks` reads it. */
export const REGISTRY_TABLE_OUTPUT = 'RegistryTableName';
/** The outputs naming the release and teardown state machines (docs: infra/README.md). */
export const RELEASE_STATE_MACHINE_OUTPUT = 'ReleaseStateMachineArn';
export const TEARDOWN_STATE_MACHINE_OUTPUT = 'TeardownStateMachineArn';
