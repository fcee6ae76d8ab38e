import { awsErrorName, ResourceNotYetVisible } from './errors';

/**
 * EC2's answers that a resource does not exist, which right after its creation mean only that it has not
 * propagated yet: "you will get an error responding that the resource does not exist"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html). Each is one a task meets when it
 * names what an earlier task (or its own earlier call) created: the VPC, subnets, route tables, gateways, group,
 * Elastic IPs and NAT gateways of the network.
 */
export const NOT_FOUND_AFTER_CREATE: ReadonlySet<string> = new Set([
  'InvalidVpcID.NotFound',
  'InvalidSubnetID.NotFound',
  'InvalidRouteTableID.NotFound',
  'InvalidInternetGatewayID.NotFound',
  'InvalidGroup.NotFound',
  'InvalidAllocationID.NotFound',
  'NatGatewayNotFound',
  'InvalidNatGatewayID.NotFound',
]);

/** Node's codes of a connection the network dropped under a call: the call may be tried again. */
const CONNECTION_RESET = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/**
 * The error a task hands the state machine, named so its Retry can match it: a NotFound of the list above becomes
 * ResourceNotYetVisible (retried with a bound, RETRY.notYetVisible), a dropped connection ConnectionReset (retried
 * as transient, AWS_TRANSIENT_ERRORS). Anything else goes on unchanged.
 *
 * The retry lives in the ASL rather than in a loop inside the task: the task stays one short pass (it finds before
 * it creates, so running it again is safe), the wait costs no Lambda time, each attempt shows in the history, and
 * the bound is one policy a test reads from the definition.
 */
export function routedError(error: unknown): unknown {
  const name = awsErrorName(error) ?? '';
  if (NOT_FOUND_AFTER_CREATE.has(name)) {
    const message = (error as Error).message;
    return new ResourceNotYetVisible(`AWS does not show a resource this execution names (${name}: ${message}); it was created a moment ago or is gone`, { awsCode: name }, { cause: error });
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && CONNECTION_RESET.has(code) && error instanceof Error) {
    const reset = new Error(`the connection to AWS was dropped (${code}): ${error.message}`, { cause: error });
    reset.name = 'ConnectionReset';
    return reset;
  }
  return error;
}
