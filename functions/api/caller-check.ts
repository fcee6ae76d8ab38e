import { GetRoleCommand, SimulatePrincipalPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { RequestedBy } from '../shared/requested-by';
import type { ApiAnswer } from './requests';

/** `off` turns the caller check off (the stack's callerCheck prop); anything else, or unset, keeps it on. */
export const CALLER_CHECK_ENV = 'CALLER_CHECK';
/** What the caller must be allowed to do themselves: the change lambda-egress makes to the function. */
export const CHECKED_ACTION = 'lambda:UpdateFunctionConfiguration';

export function callerCheckEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CALLER_CHECK_ENV] !== 'off';
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const IAM_USER = /^arn:aws[a-z-]*:iam::\d{12}:user\/.+$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/;

/** The function's ARN from the request's functionName, in the account and region of the state machine. */
export function targetFunctionArn(functionName: string, stateMachineArn: string): string {
  if (FUNCTION_ARN.test(functionName)) return functionName;
  const [, partition, , region, account] = stateMachineArn.split(':');
  return `arn:${partition}:lambda:${region}:${account}:function:${functionName}`;
}

/**
 * The confused-deputy check (docs/who-may-ask.md): may the caller's own principal make the change lambda-egress
 * would make for them? IAM's policy simulator answers for the identity policies (and permissions boundary) of a
 * user or role (IAM API reference, SimulatePrincipalPolicy:
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html); an assumed-role session
 * is judged as its role, whose ARN (with its path) GetRole gives. Undefined when allowed, else the 403.
 */
export async function checkCaller(iam: IAMClient, requestedBy: Extract<RequestedBy, { via: 'api' }>, functionArn: string): Promise<ApiAnswer | undefined> {
  const source = await policySourceArn(iam, requestedBy.principal);
  if (!source) {
    return deny(
      `the caller ${requestedBy.principal} is neither an IAM user nor an assumed role, so IAM cannot simulate whether it may ${CHECKED_ACTION} ${functionArn}: call the API as a user or a role`,
      functionArn,
    );
  }
  const simulated = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: source, ActionNames: [CHECKED_ACTION], ResourceArns: [functionArn] }));
  const decision = simulated.EvaluationResults?.find((result) => result.EvalActionName === CHECKED_ACTION)?.EvalDecision ?? 'implicitDeny';
  if (decision === 'allowed') return undefined;
  return deny(
    `${requestedBy.principal} may not ${CHECKED_ACTION} on ${functionArn} itself (IAM policy simulation of ${source}: ${decision}), and lambda-egress changes a function only for a caller who could change it: ask for that permission, or have the function's owner make the request`,
    functionArn,
    { principal: source, decision },
  );
}

async function policySourceArn(iam: IAMClient, principal: string): Promise<string | undefined> {
  if (IAM_USER.test(principal)) return principal;
  const roleName = ASSUMED_ROLE.exec(principal)?.[3];
  if (!roleName) return undefined;
  return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.Arn;
}

function deny(message: string, functionArn: string, extra: Record<string, string> = {}): ApiAnswer {
  return { statusCode: 403, body: { message, action: CHECKED_ACTION, functionArn, ...extra } };
}
