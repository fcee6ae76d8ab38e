import { awsErrorName } from '../errors';

/**
 * Sends one conditional write of the registry: true when DynamoDB applied it, false when its condition did not
 * hold (ConditionalCheckFailedException); any other error is thrown.
 */
export async function writtenIfConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
