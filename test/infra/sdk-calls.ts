import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `@aws-sdk/client-<package>` -> the IAM service prefix its calls are authorized under. */
const IAM_PREFIX: Record<string, string> = { ec2: 'ec2', iam: 'iam', lambda: 'lambda', sfn: 'states', cloudformation: 'cloudformation', dynamodb: 'dynamodb', cloudwatch: 'cloudwatch', 'auto-scaling': 'autoscaling', 'service-quotas': 'servicequotas', ssm: 'ssm' };
/** Operations whose IAM action is not the operation's name. */
const ACTION_OF_OPERATION: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

/**
 * TransactWriteItems has no IAM action of its own: each item is authorized as the PutItem, UpdateItem,
 * DeleteItem or ConditionCheckItem it stands for (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 * A file that sends it is read for the item kinds it writes (`{ Put: {`, `{ Delete: {`, ...).
 */
const TRANSACT_ITEM = /\b(Put|Update|Delete|ConditionCheck):\s*\{/g;
const ACTION_OF_TRANSACT_ITEM: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g;

/** Credential providers of `@aws-sdk/credential-providers` that call AWS themselves. */
const ACTION_OF_CREDENTIAL_PROVIDER: Record<string, string> = { fromTemporaryCredentials: 'sts:AssumeRole' };

/**
 * The IAM actions of every AWS SDK command a handler's code can send: the `XxxCommand` names (and `paginateXxx`
 * helpers) imported from `@aws-sdk/client-*` (and the AssumeRole of `fromTemporaryCredentials`) by the handler file and by every module of this repository it
 * imports, transitively.
 * Type-only imports are skipped.
 */
export function sdkActionsOf(entry: string): Set<string> {
  const actions = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const [, typeOnly, names = '', from = ''] = match;
      if (typeOnly) continue;
      const client = /^@aws-sdk\/client-(.+)$/.exec(from)?.[1];
      if (from === '@aws-sdk/credential-providers') {
        for (const raw of names.split(',')) {
          const action = ACTION_OF_CREDENTIAL_PROVIDER[raw.trim()];
          if (action) actions.add(action);
        }
      } else if (client) {
        const prefix = IAM_PREFIX[client];
        for (const raw of names.split(',')) {
          const name = raw.trim();
          const operation = name.startsWith('type ') ? undefined : (/^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1]);
          if (!operation) continue;
          if (!prefix) throw new Error(`${file} calls ${name} of @aws-sdk/client-${client}: add the service to IAM_PREFIX`);
          const action = `${prefix}:${operation}`;
          if (action === 'dynamodb:TransactWriteItems') {
            for (const [, kind = ''] of text.matchAll(TRANSACT_ITEM)) actions.add(ACTION_OF_TRANSACT_ITEM[kind] ?? `dynamodb:${kind}`);
            continue;
          }
          actions.add(ACTION_OF_OPERATION[action] ?? action);
        }
      } else if (from.startsWith('.')) {
        const base = resolve(dirname(file), from);
        const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (target) visit(target);
      }
    }
  };
  visit(entry);
  return actions;
}
