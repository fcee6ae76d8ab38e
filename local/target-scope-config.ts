import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTargetScope, TARGET_SCOPE_CONTEXT, TARGET_SCOPE_ENV, type TargetScope } from '../functions/shared/target-scope';

/** Names the cdk.json whose context holds the scope, when it is not the package's own (e.g. that of your CDK app). */
export const CDK_JSON_ENV = 'LAMBDA_EGRESS_CDK_JSON';
const PACKAGE_CDK_JSON = join(__dirname, '..', 'cdk.json');

/**
 * The stack's scope as `npx cdk deploy` reads it (the cdk.json context `lambda-egress:scope`, infra/app.ts), so
 * that local mode refuses what the deployed stack would. No file or no key: the account-wide default.
 */
function targetScopeOfCdkJson(path: string): TargetScope {
  if (!existsSync(path)) return {};
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> };
  return checkTargetScope(parsed.context?.[TARGET_SCOPE_CONTEXT], `${path} context "${TARGET_SCOPE_CONTEXT}"`);
}

/** Gives ValidateRequest, run in this process, the scope the stack passes it in its environment (TARGET_SCOPE_ENV). */
export function applyTargetScope(env: NodeJS.ProcessEnv): TargetScope {
  const scope = targetScopeOfCdkJson(env[CDK_JSON_ENV] ?? PACKAGE_CDK_JSON);
  if (Object.keys(scope).length > 0) env[TARGET_SCOPE_ENV] = JSON.stringify(scope);
  else delete env[TARGET_SCOPE_ENV];
  return scope;
}
