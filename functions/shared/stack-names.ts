/**
 * The CloudFormation stack `npx cdk deploy` creates (infra/app.ts) and the output naming its state machine:
 * the stack defines them, the CLI finds the deployed state machine by them.
 */
export const DEFAULT_STACK_NAME = 'LambdaEgress';
export const STATE_MACHINE_OUTPUT = 'StateMachineArn';
/** The output naming the registry table (networks, members, locks): `lambda-egress networks` reads it. */
export const REGISTRY_TABLE_OUTPUT = 'RegistryTableName';
