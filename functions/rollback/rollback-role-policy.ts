import type { AwsClients } from '../shared/clients';
import { lingeringFunctionEnis, type LeftVpcConfig } from '../undo/function-enis';
import { StillInUse } from '../undo/still-in-use';
import type { OriginalFunctionRecord, RollbackOutcome } from '../undo/types';
import { detachPolicyIfAttachedByExecution } from '../undo/undo-function';
import { deleteNarrowEniPolicy } from '../function/delete-narrow-eni-policy';

/**
 * Rollback's last step for the role: AWSLambdaVPCAccessExecutionRole is detached (when this execution attached it)
 * only once Lambda has deleted the ENIs of the configuration the function left, as release's RestoreRolePolicy
 * does: Lambda deletes them with the execution role's permissions ("Lambda relies on permissions in the function
 * execution role to delete the Hyperplane ENI": https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
 * While they remain, StillInUse: Rollback's ResourceStillInUse retry comes back (at least 58 minutes in all).
 * `left` is unset when the function never moved onto the network (no ENIs of it to wait for). `narrowEniPolicy`:
 * the inline policy of request.keepNarrowEniPolicy, deleted at the same moment.
 */
export async function detachPolicyOnceEnisGone(
  clients: Pick<AwsClients, 'ec2' | 'iam' | 'lambda'>,
  original: OriginalFunctionRecord,
  left: LeftVpcConfig | undefined,
  narrowEniPolicy?: string,
): Promise<RollbackOutcome> {
  if (original.vpcAccessPolicyAttached && !narrowEniPolicy) return 'unchanged';
  const lingering = left ? await lingeringFunctionEnis(clients, left) : [];
  if (lingering.length > 0) {
    throw new StillInUse(`AWSLambdaVPCAccessExecutionRole stays on ${original.roleName} until Lambda has deleted the function's ENIs with it: ${lingering.join(', ')}`);
  }
  // The narrow inline policy DetachVpcAccessPolicy may have put before it failed (request.keepNarrowEniPolicy).
  const narrowDeleted = narrowEniPolicy ? await deleteNarrowEniPolicy(clients.iam, original.roleName, narrowEniPolicy) : false;
  const managed = await detachPolicyIfAttachedByExecution(clients.iam, original);
  return managed === 'unchanged' && narrowDeleted ? 'detached' : managed;
}
