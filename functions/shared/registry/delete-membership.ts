import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { toItem } from './attributes';
import { getItem } from './item-access';
import type { MembershipRecord } from './records';
import { memberKey, membershipKey, type Registry } from './table';


/**
 * Forgets a function's membership (release, or Rollback of the execution that wrote it): the member item and
 * the pointer together. With `onlyIfExecution`, only a membership that execution wrote is removed, so a
 * Rollback never erases what an earlier, successful execution recorded. Returns the removed record.
 */
export async function removeMembership(registry: Registry, functionArn: string, options: { readonly onlyIfExecution?: string } = {}): Promise<MembershipRecord | undefined> {
  const pointer = await getItem<{ network: string }>(registry, membershipKey(functionArn));
  if (!pointer) return undefined;
  const member = await getItem<MembershipRecord>(registry, memberKey(pointer.network, functionArn));
  if (options.onlyIfExecution !== undefined && member?.execution !== options.onlyIfExecution) return undefined;
  await registry.dynamodb.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Delete: { TableName: registry.tableName, Key: toItem(membershipKey(functionArn)) } },
        { Delete: { TableName: registry.tableName, Key: toItem(memberKey(pointer.network, functionArn)) } },
      ],
    }),
  );
  return member;
}
