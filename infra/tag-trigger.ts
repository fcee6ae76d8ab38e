import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { TAG_REMOVED_PATTERN, TAG_TRIGGER_PATHS, TAG_TRIGGER_PATTERN } from './tag-trigger-pattern';

interface TagTriggerProps {
  readonly stateMachine: IStateMachine;
  /** The release workflow: removing the tag starts it for the function (absent: removing the tag does nothing). */
  readonly releaseStateMachine?: IStateMachine;
}

/**
 * Tagging a function `lambda-egress:network = <name>` starts the workflow for it: an EventBridge rule on the
 * Resource Groups Tagging "Tag Change on Resource" event whose target builds the request. Deliveries
 * Step Functions refuses (throttling, quota) land in a dead-letter queue instead of vanishing. With a release
 * state machine, removing the tag starts the function's release the same way (one dead-letter queue for both).
 */
export class TagTrigger extends Construct {
  readonly rule: Rule;
  readonly releaseRule?: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TagTriggerProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, 'AwsSolutions-SQS3', "this queue is the dead-letter queue of the rule's target; it needs none of its own");

    const { source, 'detail-type': detailType, detail } = TAG_TRIGGER_PATTERN;
    this.rule = new Rule(this, 'Rule', {
      description: 'lambda-egress: a function tagged lambda-egress:network gets internet egress from that network',
      eventPattern: { source: [...source], detailType: [...detailType], detail },
    });
    this.rule.addTarget(
      new SfnStateMachine(props.stateMachine, {
        input: RuleTargetInput.fromObject({
          functionName: EventField.fromPath(TAG_TRIGGER_PATHS.functionName),
          network: { name: EventField.fromPath(TAG_TRIGGER_PATHS.networkName) },
          // Who asked: tagging needed lambda:TagResource on the function; the event id leads to it in CloudTrail.
          requestedBy: { via: 'tag', eventId: EventField.fromPath('$.id') },
        }),
        ...this.delivery(),
      }),
    );

    if (props.releaseStateMachine) {
      const removed = TAG_REMOVED_PATTERN;
      this.releaseRule = new Rule(this, 'ReleaseRule', {
        description: 'lambda-egress: a function whose lambda-egress:network tag is removed is released (its original network configuration restored)',
        eventPattern: { source: [...removed.source], detailType: [...removed['detail-type']], detail: removed.detail },
      });
      this.releaseRule.addTarget(
        new SfnStateMachine(props.releaseStateMachine, {
          input: RuleTargetInput.fromObject({ functionName: EventField.fromPath(TAG_TRIGGER_PATHS.functionName) }),
          ...this.delivery(),
        }),
      );
    }
  }

  /** Retries, then the dead-letter queue: what EventBridge does with a start Step Functions refuses. */
  private delivery() {
    return { deadLetterQueue: this.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(2) };
  }
}
