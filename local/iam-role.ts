import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { isNotFound } from '../functions/shared/errors';

/** A role of local mode as its creator describes it: name, who may assume it (a policy document), what it is for. */
interface LocalRole {
  readonly name: string;
  readonly trustPolicy: string;
  readonly description?: string;
}

/** The role's ARN: found again by name on a second run, or created; a role another process just created is as good. */
export async function ensureRole(iam: IAMClient, role: LocalRole): Promise<string> {
  const getRole = () =>
    iam.send(new GetRoleCommand({ RoleName: role.name })).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
  const create = () =>
    iam.send(new CreateRoleCommand({ RoleName: role.name, AssumeRolePolicyDocument: role.trustPolicy, ...(role.description ? { Description: role.description } : {}) })).catch(async (error: unknown) => {
      // Local mode started in several processes at once: the role of the one that won is as good.
      if (error instanceof Error && /^EntityAlreadyExists/.test(error.name)) return getRole();
      throw error;
    });
  const found = (await getRole()) ?? (await create());
  const arn = found?.Role?.Arn;
  if (!arn) throw new Error(`IAM returned no ARN for role ${role.name}`);
  return arn;
}

/** Puts the role's inline policy unless it already reads the same: a local run that changes nothing makes no write (docs/joins.md). */
export async function ensureInlinePolicy(iam: IAMClient, roleName: string, policyName: string, document: string): Promise<void> {
  const current = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (current?.PolicyDocument && JSON.stringify(JSON.parse(decodeURIComponent(current.PolicyDocument))) === document) return;
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document }));
}
