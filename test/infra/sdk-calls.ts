import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

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

const ROOT = resolve(__dirname, '..', '..');

/**
 * Shared access modules: several helpers, each sending its own calls, that many tasks import. An importer is
 * attributed the calls of the helpers it names (followed through the module's own functions), not every call
 * the file holds, so code can live in one place without widening the role of every task that reads through it.
 */
export const SHARED_ACCESS_MODULES: ReadonlySet<string> = new Set(['functions/shared/registry/item-access.ts']);

/** The IAM actions of one `import { names } from 'from'` of an AWS SDK package; `text` is what may send them. */
function actionsOfSdkImport(file: string, from: string, names: readonly string[], text: string): string[] {
  if (from === '@aws-sdk/credential-providers') return names.flatMap((name) => ACTION_OF_CREDENTIAL_PROVIDER[name] ?? []);
  const client = /^@aws-sdk\/client-(.+)$/.exec(from)?.[1];
  if (!client) return [];
  const prefix = IAM_PREFIX[client];
  const actions: string[] = [];
  for (const name of names) {
    const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
    if (!operation) continue;
    if (!prefix) throw new Error(`${file} calls ${name} of @aws-sdk/client-${client}: add the service to IAM_PREFIX`);
    const action = `${prefix}:${operation}`;
    if (action === 'dynamodb:TransactWriteItems') {
      for (const [, kind = ''] of text.matchAll(TRANSACT_ITEM)) actions.push(ACTION_OF_TRANSACT_ITEM[kind] ?? `dynamodb:${kind}`);
      continue;
    }
    actions.push(ACTION_OF_OPERATION[action] ?? action);
  }
  return actions;
}

function moduleFile(file: string, from: string): string | undefined {
  const base = resolve(dirname(file), from);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}


interface ModuleImport {
  readonly from: string;
  readonly name: string;
}

/** A module's top-level declarations by name, and its value imports by local name. */
function readModule(file: string): { declarations: Map<string, ts.Node>; imports: Map<string, ModuleImport> } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, ts.Node>();
  const imports = new Map<string, ModuleImport>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      if (!clause || clause.isTypeOnly || !bindings || !ts.isNamedImports(bindings)) continue;
      for (const element of bindings.elements) {
        if (!element.isTypeOnly) imports.set(element.name.text, { from: statement.moduleSpecifier.text, name: (element.propertyName ?? element.name).text });
      }
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      declarations.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) declarations.set(declaration.name.text, declaration);
    }
  }
  return { declarations, imports };
}

/**
 * The IAM actions of every AWS SDK command a handler's code can send: the `XxxCommand` names (and `paginateXxx`
 * helpers) imported from `@aws-sdk/client-*` (and the AssumeRole of `fromTemporaryCredentials`) by the handler file and by every module of this repository it
 * imports, transitively; of a shared access module (SHARED_ACCESS_MODULES), only what the helpers imported send.
 * Type-only imports are skipped.
 */
export function sdkActionsOf(entry: string, sharedModules: ReadonlySet<string> = SHARED_ACCESS_MODULES): Set<string> {
  const isShared = (file: string): boolean => sharedModules.has(relative(ROOT, file).split('\\').join('/'));
  const actions = new Set<string>();
  const seen = new Set<string>();
  const visitImport = (file: string, from: string, names: readonly string[], text: string): void => {
    for (const action of actionsOfSdkImport(file, from, names, text)) actions.add(action);
    const target = from.startsWith('.') ? moduleFile(file, from) : undefined;
    if (!target) return;
    if (isShared(target)) names.forEach((name) => visitExport(target, name));
    else visitFile(target);
  };
  const visitFile = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, typeOnly, names = '', from = ''] of text.matchAll(IMPORT)) {
      if (typeOnly) continue;
      const values = names.split(',').map((raw) => raw.trim()).filter((name) => name !== '' && !name.startsWith('type '));
      visitImport(file, from, values.map((name) => name.split(/\s+as\s+/)[0] ?? name), text);
    }
  };
  const visitExport = (file: string, exported: string): void => {
    const { declarations, imports } = readModule(file);
    const pending = [exported];
    const reached = new Set<string>();
    const used = new Map<string, ModuleImport>();
    while (pending.length > 0) {
      const name = pending.pop() ?? '';
      if (reached.has(name) || seen.has(`${file}#${name}`)) continue;
      reached.add(name);
      seen.add(`${file}#${name}`);
      const declaration = declarations.get(name);
      if (!declaration) throw new Error(`${file} has no top-level ${name} (a shared access module is read by its declarations)`);
      const walk = (node: ts.Node): void => {
        if (ts.isIdentifier(node)) {
          if (declarations.has(node.text) && node.text !== name) pending.push(node.text);
          const imported = imports.get(node.text);
          if (imported) used.set(node.text, imported);
        }
        ts.forEachChild(node, walk);
      };
      walk(declaration);
    }
    const text = [...reached].map((name) => declarations.get(name)?.getText() ?? '').join('\n');
    for (const imported of used.values()) visitImport(file, imported.from, [imported.name], text);
  };
  visitFile(entry);
  return actions;
}
