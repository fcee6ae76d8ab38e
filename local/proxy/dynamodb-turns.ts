import type { ProxyBehaviour } from './pipeline';

/**
 * moto applies a TransactWriteItems item by item and, when an item's condition fails, puts back a copy of the
 * whole table taken when it began, erasing whatever a concurrent call wrote meanwhile (a lock another execution
 * just took). DynamoDB's transactions are serializable
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-isolation),
 * so DynamoDB calls reach moto one at a time, as if they were.
 */
export function dynamodbOneAtATime(): ProxyBehaviour {
  let turn: Promise<unknown> = Promise.resolve();
  return {
    handle(call, next) {
      if (call.identity.service !== 'dynamodb') return next(call);
      const mine = turn.then(() => next(call));
      turn = mine.catch(() => undefined);
      return mine;
    },
  };
}
