import { ENDED_WITHOUT_UNLOCK } from '../functions/shared/registry/lock-policy';

/**
 * The EventBridge pattern of the stale-lock rule, in the JSON form AWS stores: executions of the product's
 * state machines that ended without releasing their locks themselves. The stack and the moto test use it.
 */
export function staleLockPattern(stateMachineArns: readonly string[]) {
  return {
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { status: [...ENDED_WITHOUT_UNLOCK], stateMachineArn: [...stateMachineArns] },
  };
}
