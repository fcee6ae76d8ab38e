import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { ProductFunction, type ProductFunctionSettings } from './product-function';
import { registryEnvironment, registryItems, registryLocksByOwner, type RegistryTableRef } from './registry-grants';
import { staleLockPattern } from './stale-lock-pattern';
import { FUNCTIONS_DIR } from './task-functions';

interface StaleLockReleaseProps {
  /** The state machines whose executions take registry locks. */
  readonly stateMachines: readonly IStateMachine[];
  readonly table: RegistryTableRef;
  readonly settings: ProductFunctionSettings;
}

/**
 * Frees the registry locks of an execution that ended ABORTED, TIMED_OUT or FAILED at once (lease expiry is
 * the slow backstop): an EventBridge rule on "Step Functions Execution Status Change" of the product's state
 * machines, targeting functions/membership/release-stale-locks.ts. Events the function cannot take (throttling,
 * errors after the retries) land in a dead-letter queue.
 */
export class StaleLockRelease extends Construct {
  readonly rule: Rule;
  readonly function: ProductFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StaleLockReleaseProps) {
    super(scope, id);
    if (props.stateMachines.length === 0) throw new Error('StaleLockRelease needs at least one state machine whose executions take locks');
    this.function = new ProductFunction(this, 'Handler', {
      name: 'ReleaseStaleLocks',
      entry: join(FUNCTIONS_DIR, 'membership', 'release-stale-locks.ts'),
      timeoutSeconds: 30,
      grants: [registryLocksByOwner(props.table), registryItems('RegistryReleaseLocks', ['DeleteItem', 'UpdateItem'], props.table)],
      environment: registryEnvironment(props.table),
      settings: props.settings,
    });
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', "this queue is the dead-letter queue of the rule's target; it needs none of its own");

    const { source, 'detail-type': detailType, detail } = staleLockPattern(props.stateMachines.map((machine) => machine.stateMachineArn));
    this.rule = new Rule(this, 'Rule', {
      description: 'lambda-egress: free the registry locks of executions that ended ABORTED, TIMED_OUT or FAILED',
      eventPattern: { source, detailType, detail },
    });
    this.rule.addTarget(
      new LambdaFunction(this.function.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(2) }),
    );
  }
}
