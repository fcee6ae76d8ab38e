import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import tagChangeEvent from '../../events/tag-change-on-function.json';
import tagRemovedEvent from '../../events/tag-removed-from-function.json';
import { TAG_NETWORK } from '../../functions/shared/tags';
import { TAG_REMOVED_PATTERN, TAG_TRIGGER_PATTERN } from '../../infra/tag-trigger-pattern';
import { emulator } from '../../local/test-support/emulator-control';

/**
 * The tag trigger's pattern, proved on moto's EventBridge (its TestEventPattern is a stub): the stack's own
 * pattern object on a rule with an SQS target, realistic Tag Change events put on the bus, and only the
 * matching ones arriving in the queue.
 */
const events = new EventBridgeClient({});
// moto writes its own address into QueueUrl; the SDK would follow it past the fault proxy (and this file's account).
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

interface TagChange {
  readonly functionArn: string;
  readonly service?: string;
  readonly resourceType?: string;
  readonly changedKeys: string[];
  readonly tags: Record<string, string>;
}

function tagChange(change: TagChange) {
  return {
    Source: tagChangeEvent.source,
    DetailType: tagChangeEvent['detail-type'],
    Resources: [change.functionArn],
    Detail: JSON.stringify({
      ...tagChangeEvent.detail,
      service: change.service ?? 'lambda',
      'resource-type': change.resourceType ?? 'function',
      'changed-tag-keys': change.changedKeys,
      tags: change.tags,
    }),
  };
}

async function queueWithRule(name: string, pattern: object = TAG_TRIGGER_PATTERN): Promise<string> {
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-queue` }));
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
  await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn ?? '' }] }));
  return queueUrl;
}

/** Every message in the queue, read until it answers empty twice. */
async function drain(queueUrl: string): Promise<Array<{ resources: string[]; detail: { tags: Record<string, string> } }>> {
  const received = [];
  for (let empty = 0; empty < 2; ) {
    const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const messages = page.Messages ?? [];
    if (messages.length === 0) empty += 1;
    received.push(...messages.map((message) => JSON.parse(message.Body ?? '{}') as { resources: string[]; detail: { tags: Record<string, string> } }));
  }
  return received;
}

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

describe('tag trigger pattern (on moto EventBridge)', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('delivers exactly the events of functions whose lambda-egress:network tag was added or changed', async () => {
    // GIVEN a rule with the stack's pattern and an SQS target
    const queueUrl = await queueWithRule('lambda-egress-tag-trigger');

    // WHEN realistic Tag Change events reach the bus
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          tagChange({ functionArn: arn('added'), changedKeys: [TAG_NETWORK], tags: { [TAG_NETWORK]: 'shared', team: 'orders' } }),
          tagChange({ functionArn: arn('changed'), changedKeys: [TAG_NETWORK, 'team'], tags: { [TAG_NETWORK]: 'other', team: 'billing' } }),
          tagChange({ functionArn: arn('other-key'), changedKeys: ['team'], tags: { [TAG_NETWORK]: 'shared', team: 'payments' } }),
          tagChange({ functionArn: arn('removed'), changedKeys: [TAG_NETWORK], tags: { team: 'orders' } }),
          tagChange({
            functionArn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0',
            service: 'ec2',
            resourceType: 'instance',
            changedKeys: [TAG_NETWORK],
            tags: { [TAG_NETWORK]: 'shared' },
          }),
        ],
      }),
    );
    expect(put.FailedEntryCount ?? 0).toBe(0);

    // THEN only the added and the changed tag arrive, each with the network the tag names
    const delivered = await drain(queueUrl);
    expect(delivered.map((event) => [event.resources[0], event.detail.tags[TAG_NETWORK]]).sort()).toEqual([
      [arn('added'), 'shared'],
      [arn('changed'), 'other'],
    ]);
  });

  it('delivers the sample event of events/ (the one the input transformer test renders)', async () => {
    const queueUrl = await queueWithRule('lambda-egress-sample');
    await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: tagChangeEvent.source, DetailType: tagChangeEvent['detail-type'], Resources: tagChangeEvent.resources, Detail: JSON.stringify(tagChangeEvent.detail) },
        ],
      }),
    );
    expect((await drain(queueUrl)).map((event) => event.resources)).toEqual([tagChangeEvent.resources]);
  });
});

describe('tag removal pattern: the release trigger (on moto EventBridge)', () => {
  beforeEach(async () => {
    await emulator.freshAccount();
  });

  it('delivers exactly the events of functions whose lambda-egress:network tag was removed, and the add rule none of them', async () => {
    // GIVEN the release rule and the provision rule, each with its own queue
    const releaseQueue = await queueWithRule('lambda-egress-release-trigger', TAG_REMOVED_PATTERN);
    const provisionQueue = await queueWithRule('lambda-egress-tag-trigger');

    // WHEN the tag is removed from two functions, added to one, changed on one, and other changes happen
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          tagChange({ functionArn: arn('removed'), changedKeys: [TAG_NETWORK], tags: { team: 'orders' } }),
          tagChange({ functionArn: arn('removed-with-others'), changedKeys: [TAG_NETWORK, 'team'], tags: {} }),
          tagChange({ functionArn: arn('added'), changedKeys: [TAG_NETWORK], tags: { [TAG_NETWORK]: 'shared' } }),
          tagChange({ functionArn: arn('changed'), changedKeys: [TAG_NETWORK], tags: { [TAG_NETWORK]: 'other' } }),
          tagChange({ functionArn: arn('never-tagged'), changedKeys: ['team'], tags: { team: 'billing' } }),
          tagChange({
            functionArn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0',
            service: 'ec2',
            resourceType: 'instance',
            changedKeys: [TAG_NETWORK],
            tags: {},
          }),
        ],
      }),
    );
    expect(put.FailedEntryCount ?? 0).toBe(0);

    // THEN the release rule gets the two removals only, and the provision rule only the add and the change
    expect((await drain(releaseQueue)).map((event) => event.resources[0]).sort()).toEqual([arn('removed'), arn('removed-with-others')]);
    expect((await drain(provisionQueue)).map((event) => event.resources[0]).sort()).toEqual([arn('added'), arn('changed')]);
  });

  it('delivers the removal sample of events/ to the release rule only, and the add sample to the provision rule only', async () => {
    const releaseQueue = await queueWithRule('lambda-egress-release-sample', TAG_REMOVED_PATTERN);
    const provisionQueue = await queueWithRule('lambda-egress-provision-sample');
    const entry = (event: typeof tagChangeEvent | typeof tagRemovedEvent) => ({
      Source: event.source,
      DetailType: event['detail-type'],
      Resources: event.resources,
      Detail: JSON.stringify(event.detail),
    });
    await events.send(new PutEventsCommand({ Entries: [entry(tagRemovedEvent), entry(tagChangeEvent)] }));
    expect((await drain(releaseQueue)).map((event) => [event.resources, event.detail.tags])).toEqual([[tagRemovedEvent.resources, tagRemovedEvent.detail.tags]]);
    expect((await drain(provisionQueue)).map((event) => [event.resources, event.detail.tags])).toEqual([[tagChangeEvent.resources, tagChangeEvent.detail.tags]]);
  });
});
