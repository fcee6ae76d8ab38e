import ts from 'typescript';
import { resolveImport } from './import-graph';

/**
 * Exports nobody imports, read syntactically (ts.createSourceFile, no type-checker: the unit lane stays fast).
 * A name is used when another file imports it: `import { a as b }`, a default import, `ns.a` after
 * `import * as ns`, `const { a } = require(...)` / `await import(...)`, `import('./x').A` in a type, or through a
 * file that re-exports it (`export { a as b } from`, `export *`, `import { a }` then `export { a }`).
 */

/** One name a file exports, and where a re-export forwards a use of it. */
interface ExportedName {
  readonly name: string;
  /** `export { x as name } from './y'` or `import { x } from './y'; export { x as name }`: a use goes on to y's x. */
  readonly forwardsTo?: { readonly file: string; readonly name: string };
}

interface ModuleFacts {
  readonly exports: ExportedName[];
  /** `export * from './y'`: a name this file does not export itself may be y's. */
  readonly starFrom: string[];
  /** What this file uses of other files: [file, name], name '*' for "all of it" (a namespace passed on whole). */
  readonly uses: Array<readonly [string, string]>;
}

const ALL = '*';
/** A file whose uses may be inside expressions: `require(`, `import(` or `* as ns`. */
const DEEP_USE = /\brequire\(|\bimport\(|\*\s+as\s/;

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((declaration) => (ts.isIdentifier(declaration.name) ? [declaration.name.text] : []));
  }
  const named = statement as ts.Statement & { name?: ts.Node };
  return named.name && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name)) ? [named.name.text] : [];
}

/** The node a `require(...)`/`import(...)` value ends up in, past `await`, `as`, parentheses and `!`. */
function consumerOf(node: ts.Node): { consumer: ts.Node; value: ts.Node } {
  let value = node;
  while (
    ts.isAwaitExpression(value.parent) ||
    ts.isAsExpression(value.parent) ||
    ts.isParenthesizedExpression(value.parent) ||
    ts.isNonNullExpression(value.parent) ||
    ts.isSatisfiesExpression(value.parent)
  ) {
    value = value.parent;
  }
  return { consumer: value.parent, value };
}

/** The names a module value is read for: destructured or `.name`; '*' when it is used whole. */
function namesReadFrom(call: ts.Node): string[] {
  const { consumer, value } = consumerOf(call);
  if (ts.isVariableDeclaration(consumer) && ts.isObjectBindingPattern(consumer.name)) {
    return consumer.name.elements.map((element) => {
      if (element.dotDotDotToken) return ALL;
      const key = element.propertyName ?? element.name;
      return ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : ALL;
    });
  }
  if (ts.isPropertyAccessExpression(consumer) && consumer.expression === value) return [consumer.name.text];
  return [ALL];
}

/** The uses of a namespace import `ns` in a file: `ns.a` and `ns.A` in types; any other use of `ns` is a use of all. */
function namespaceUses(source: ts.SourceFile, namespace: ts.Identifier): string[] {
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node !== namespace && node.text === namespace.text) {
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) names.push(parent.name.text);
      else if (ts.isQualifiedName(parent) && parent.left === node) names.push(parent.right.text);
      else if (!(ts.isPropertyAccessExpression(parent) && parent.name === node) && !(ts.isPropertyAssignment(parent) && parent.name === node)) names.push(ALL);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

const leftmost = (name: ts.EntityName): string => (ts.isIdentifier(name) ? name.text : leftmost(name.left));

/** What one file exports and uses of others; `resolve` turns a relative specifier into a repository path. */
export function moduleFacts(path: string, text: string, resolve: (specifier: string) => string | undefined): ModuleFacts {
  // Parent links (and the walk below) only where a use can hide in an expression: a tenth of the files, a third of the time.
  const deep = DEEP_USE.test(text);
  const source = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, deep);
  const facts: ModuleFacts = { exports: [], starFrom: [], uses: [] };
  /** Local names bound by `import { x as local }` / default imports: `export { local }` forwards to them. */
  const imported = new Map<string, { file: string; name: string }>();
  const use = (file: string | undefined, names: readonly string[]): void => {
    if (file) for (const name of names) facts.uses.push([file, name]);
  };
  const specifierOf = (node: ts.Expression | undefined): string | undefined => (node && ts.isStringLiteral(node) ? resolve(node.text) : undefined);

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const file = specifierOf(statement.moduleSpecifier);
      const clause = statement.importClause;
      if (!file || !clause) continue;
      if (clause.name) {
        use(file, ['default']);
        imported.set(clause.name.text, { file, name: 'default' });
      }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) use(file, namespaceUses(source, bindings.name));
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const name = (element.propertyName ?? element.name).text;
          use(file, [name]);
          imported.set(element.name.text, { file, name });
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      const file = specifierOf(statement.moduleSpecifier);
      const clause = statement.exportClause;
      if (statement.moduleSpecifier && !file) continue;
      if (!clause) facts.starFrom.push(file!);
      else if (ts.isNamespaceExport(clause)) facts.exports.push({ name: clause.name.text, forwardsTo: { file: file!, name: ALL } });
      else {
        for (const element of clause.elements) {
          const local = (element.propertyName ?? element.name).text;
          const forwardsTo = file ? { file, name: local } : imported.get(local);
          facts.exports.push({ name: element.name.text, ...(forwardsTo ? { forwardsTo } : {}) });
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      facts.exports.push({ name: 'default' });
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const names = hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? ['default'] : declaredNames(statement);
      for (const name of names) facts.exports.push({ name });
    }
  }

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) use(specifierOf(node.arguments[0]), namesReadFrom(node));
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const file = resolve(node.argument.literal.text);
      // `require('./x') as typeof import('./x')` only types the value: what is read of it is the require's use.
      if (node.qualifier) use(file, [leftmost(node.qualifier)]);
      else if (!ts.isAsExpression(node.parent)) use(file, [ALL]);
    }
    ts.forEachChild(node, visit);
  };
  if (deep) visit(source);
  return facts;
}

/** A name alive without an importer: something outside the TypeScript sources loads it. */
export interface EntryPoint {
  readonly file: string;
  /** The names loaded, or '*' for all the file exports. */
  readonly names: readonly string[] | '*';
  readonly reason: string;
}

/** `file:name` of every export of `checked` files that no other file uses and no entry point declares. */
export function deadExports(
  sources: ReadonlyMap<string, string>,
  checked: (path: string) => boolean,
  entryPoints: readonly EntryPoint[],
  exists: (path: string) => boolean,
): string[] {
  const facts = new Map<string, ModuleFacts>();
  for (const [path, text] of sources) {
    facts.set(path, moduleFacts(path, text, (specifier) => (specifier.startsWith('.') ? resolveImport(path, specifier, exists) : undefined)));
  }
  const used = new Set<string>();
  const seen = new Set<string>();
  const pending: Array<readonly [string, string]> = [...facts.values()].flatMap((module) => module.uses);
  for (const entry of entryPoints) {
    for (const name of entry.names === ALL ? [ALL] : entry.names) pending.push([entry.file, name]);
  }
  while (pending.length > 0) {
    const [file, name] = pending.pop()!;
    const module = facts.get(file);
    if (!module || seen.has(`${file}:${name}`)) continue;
    seen.add(`${file}:${name}`);
    const matching = module.exports.filter((exported) => name === ALL || exported.name === name);
    for (const exported of matching) {
      used.add(`${file}:${exported.name}`);
      if (exported.forwardsTo) pending.push([exported.forwardsTo.file, exported.forwardsTo.name]);
    }
    // A name this file does not export itself may come through `export *`; a use of all uses all of those too.
    if (matching.length === 0 || name === ALL) for (const from of module.starFrom) pending.push([from, name]);
  }
  return [...facts]
    .filter(([path]) => checked(path))
    .flatMap(([path, module]) => module.exports.map((exported) => `${path}:${exported.name}`))
    .filter((key) => !used.has(key))
    .sort();
}
