import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import statusChange from '../../events/sfn-execution-status-change.json';
import { staleLockPattern } from '../../infra/stale-lock-pattern';
import { emulator } from '../../local/test-support/emulator-control';

/**
 * The stale-lock rule's pattern, proved on moto's EventBridge (its TestEventPattern is a stub): the stack's own
 * pattern on a rule with an SQS target, status-change events put on the bus, only the matching ones delivered.
 */
const events = new EventBridgeClient({});
// moto writes its own address into QueueUrl; the SDK would follow it past the fault proxy (and this file's account).
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const MACHINE = statusChange.detail.stateMachineArn;

function statusEvent(status: string, stateMachineArn = MACHINE, execution = `${status.toLowerCase()}-run`) {
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${execution}`;
  return {
    Source: statusChange.source,
    DetailType: statusChange['detail-type'],
    Resources: [executionArn],
    Detail: JSON.stringify({ ...statusChange.detail, executionArn, stateMachineArn, name: execution, status }),
  };
}

async function drain(queueUrl: string): Promise<Array<{ detail: { executionArn: string; status: string } }>> {
  const received = [];
  for (let empty = 0; empty < 2; ) {
    const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const messages = page.Messages ?? [];
    if (messages.length === 0) empty += 1;
    received.push(...messages.map((message) => JSON.parse(message.Body ?? '{}') as { detail: { executionArn: string; status: string } }));
  }
  return received;
}

describe('stale-lock rule pattern (on moto EventBridge)', () => {
  it("delivers the ends without unlock (ABORTED, TIMED_OUT, FAILED) of the product's state machine only", async () => {
    // GIVEN a rule with the stack's pattern for the sample's state machine, and an SQS target
    await emulator.freshAccount();
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'stale-locks' }))).QueueUrl ?? '';
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
    await events.send(new PutRuleCommand({ Name: 'stale-locks', EventPattern: JSON.stringify(staleLockPattern([MACHINE])), State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: 'stale-locks', Targets: [{ Id: 'queue', Arn: queueArn }] }));
    // WHEN status changes of every kind, and of another state machine, reach the bus (the sample event among them)
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: statusChange.source, DetailType: statusChange['detail-type'], Resources: statusChange.resources, Detail: JSON.stringify(statusChange.detail) },
          ...['RUNNING', 'SUCCEEDED', 'TIMED_OUT', 'FAILED'].map((status) => statusEvent(status)),
          statusEvent('FAILED', MACHINE.replace('LambdaEgressProvision', 'SomeoneElses'), 'other-machine'),
        ],
      }),
    );
    expect(put.FailedEntryCount ?? 0).toBe(0);
    // THEN only the product's executions that ended without unlocking arrive
    const delivered = await drain(queueUrl);
    expect(delivered.map((event) => event.detail.status).sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
    expect(delivered.map((event) => event.detail.executionArn)).toContain(statusChange.detail.executionArn);
  });
});
