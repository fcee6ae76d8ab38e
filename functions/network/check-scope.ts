import { GetFunctionConfigurationCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../shared/clients';
import { FunctionNotAllowed } from '../shared/errors';
import { matchesWildcard, rolePathAndName, TARGET_SCOPE_CONTEXT, type TargetFunctions, type TargetScope } from '../shared/target-scope';

const WIDEN = `ask the platform team to widen the stack's scope (LambdaEgressStack props, or the cdk.json context "${TARGET_SCOPE_CONTEXT}"), or request a function inside it`;

/**
 * The stack's scope, before anything is created: the same rules the task roles' IAM statements carry
 * (infra/policy-builders.ts), checked here so that a function outside them is refused by name instead of
 * failing with AccessDenied halfway through. Read-only (GetFunctionConfiguration, ListTags).
 */
export async function checkFunctionInScope(clients: Pick<AwsClients, 'lambda'>, scope: TargetScope, functionArn: string): Promise<void> {
  if (scope.targetFunctions) await checkTargetFunctions(clients, scope.targetFunctions, functionArn, 'targetFunctions', "the stack's scope");
  if (scope.targetRoles) {
    const configuration = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
    const role = rolePathAndName(configuration.Role ?? '');
    const patterns = scope.targetRoles.namePatterns;
    if (!patterns.some((pattern) => matchesWildcard(pattern, role))) {
      throw new FunctionNotAllowed(
        'targetRoles.namePatterns',
        `the execution role of ${nameOf(functionArn)} (${configuration.Role}) matches none of the stack's role patterns ${patterns.join(', ')}, so lambda-egress may not attach AWSLambdaVPCAccessExecutionRole to it: ${WIDEN}`,
        { functionArn, role: configuration.Role, namePatterns: patterns },
      );
    }
  }
}

/**
 * A function against a targetFunctions rule (the stack's, or a network's allowedFunctions): every part given
 * must hold. `rule` prefixes the field names in the error, `whose` says whose rule it is.
 */
export async function checkTargetFunctions(clients: Pick<AwsClients, 'lambda'>, rule: TargetFunctions, functionArn: string, field: string, whose: string, fix = WIDEN): Promise<void> {
  const name = nameOf(functionArn);
  if (rule.namePatterns && !rule.namePatterns.some((pattern) => matchesWildcard(pattern, name))) {
    throw new FunctionNotAllowed(`${field}.namePatterns`, `${name} matches none of ${whose} name patterns ${rule.namePatterns.join(', ')}: ${fix}`, { functionArn, namePatterns: rule.namePatterns });
  }
  if (rule.requiredTag) {
    const { key, value } = rule.requiredTag;
    const tags = (await clients.lambda.send(new ListTagsCommand({ Resource: functionArn }))).Tags ?? {};
    if (tags[key] !== value) {
      const has = key in tags ? `has ${key}=${JSON.stringify(tags[key])}` : `has no tag ${key}`;
      throw new FunctionNotAllowed(`${field}.requiredTag`, `${name} ${has}, and ${whose} requires ${key}=${JSON.stringify(value)}: ${fix}`, { functionArn, requiredTag: rule.requiredTag });
    }
  }
}

function nameOf(functionArn: string): string {
  return functionArn.split(':')[6] ?? functionArn;
}
