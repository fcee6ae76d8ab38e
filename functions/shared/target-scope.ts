/**
 * Who may be changed through lambda-egress (docs/who-may-ask.md): the stack's scope, one definition for the
 * task roles' IAM statements (infra/), ValidateRequest's refusal and the CLI's local mode. A pattern is an IAM
 * wildcard (`*` any characters, `?` one), matched the way IAM matches a Resource ARN's last part, so the
 * refusal and the policy agree.
 */

/** Functions the task roles may change. Absent: every function of the account and region but the product's own. */
export interface TargetFunctions {
  /** Function-name wildcards, e.g. `team-a-*`; a function must match one. */
  readonly namePatterns?: readonly string[];
  /** A tag a function must carry with this exact value, e.g. `{ key: 'lambda-egress:allowed', value: 'true' }`. */
  readonly requiredTag?: { readonly key: string; readonly value: string };
}

/** Execution roles whose AWSLambdaVPCAccessExecutionRole attachment may change. Absent: any role. */
export interface TargetRoles {
  /** Role wildcards over the ARN's part after `role/` (path and name, e.g. `team-a-*` or `service-role/team-a-*`). */
  readonly namePatterns: readonly string[];
}

export interface TargetScope {
  readonly targetFunctions?: TargetFunctions;
  readonly targetRoles?: TargetRoles;
}

/** The environment variable carrying the scope (JSON) to ValidateRequest: set by the stack, and by local mode from cdk.json. */
export const TARGET_SCOPE_ENV = 'LAMBDA_EGRESS_TARGET_SCOPE';
/** The cdk.json context key holding the scope: `npx cdk deploy` and `lambda-egress --local` read the same one. */
export const TARGET_SCOPE_CONTEXT = 'lambda-egress:scope';

const PATTERN = /^[A-Za-z0-9_*?+=,.@/-]{1,128}$/;

/**
 * Checks a scope as the stack's props or cdk.json give it: a wrong shape throws, naming the field and the fix,
 * so a typo cannot silently mean "account-wide".
 */
export function checkTargetScope(value: unknown, where: string): TargetScope {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} must be an object { targetFunctions?, targetRoles? }, got ${JSON.stringify(value)}`);
  const { targetFunctions, targetRoles, ...rest } = value as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new Error(`${where} has unknown key(s) ${unknownKeys.join(', ')}: use targetFunctions and targetRoles only`);
  return {
    ...(targetFunctions === undefined ? {} : { targetFunctions: checkTargetFunctions(targetFunctions, `${where}.targetFunctions`) }),
    ...(targetRoles === undefined ? {} : { targetRoles: { namePatterns: checkPatterns((targetRoles as { namePatterns?: unknown })?.namePatterns, `${where}.targetRoles.namePatterns`) } }),
  };
}

function checkTargetFunctions(value: unknown, where: string): TargetFunctions {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} must be an object { namePatterns?, requiredTag? }, got ${JSON.stringify(value)}`);
  const { namePatterns, requiredTag } = value as { namePatterns?: unknown; requiredTag?: unknown };
  if (namePatterns === undefined && requiredTag === undefined) throw new Error(`${where} needs namePatterns, requiredTag or both; leave it out for the account-wide scope`);
  const tag = requiredTag as { key?: unknown; value?: unknown } | undefined;
  if (tag !== undefined && (typeof tag?.key !== 'string' || tag.key.length === 0 || typeof tag.value !== 'string')) {
    throw new Error(`${where}.requiredTag must be { key, value } with a non-empty string key and a string value, got ${JSON.stringify(requiredTag)}`);
  }
  return {
    ...(namePatterns === undefined ? {} : { namePatterns: checkPatterns(namePatterns, `${where}.namePatterns`) }),
    ...(tag ? { requiredTag: { key: tag.key as string, value: tag.value as string } } : {}),
  };
}

function checkPatterns(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${where} must be a non-empty list of wildcards like "team-a-*", got ${JSON.stringify(value)}`);
  for (const pattern of value) {
    if (typeof pattern !== 'string' || !PATTERN.test(pattern)) throw new Error(`${where}: ${JSON.stringify(pattern)} is not a name wildcard (letters, digits, -_+=,.@/ and * or ?, up to 128)`);
    if (/^\*+$/.test(pattern)) throw new Error(`${where}: "${pattern}" matches everything; leave the list out for the account-wide scope`);
  }
  return [...(value as string[])];
}

/** IAM's wildcard match: `*` any run of characters, `?` exactly one, case-sensitive. */
export function matchesWildcard(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/** The scope ValidateRequest applies: from its environment, account-wide when unset. */
export function targetScopeFromEnvironment(env: NodeJS.ProcessEnv = process.env): TargetScope {
  const json = env[TARGET_SCOPE_ENV];
  if (!json) return {};
  return checkTargetScope(JSON.parse(json) as unknown, TARGET_SCOPE_ENV);
}

/** A role ARN's part IAM matches a `role/<pattern>` resource against: path and name. */
export function rolePathAndName(roleArn: string): string {
  return roleArn.replace(/^arn:[^:]*:iam::\d*:role\//, '');
}
