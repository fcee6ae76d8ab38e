import { DeleteRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { isNotFound } from '../shared/errors';

/**
 * Deletes the narrow inline ENI policy (narrow-eni-policy.ts) from the role; already gone (NoSuchEntity) counts as
 * deleted. A module of its own: the tasks that delete it (release, Rollback) must not be granted the put.
 */
export async function deleteNarrowEniPolicy(iam: IAMClient, roleName: string, policyName: string): Promise<boolean> {
  try {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    return true;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return false;
  }
}
