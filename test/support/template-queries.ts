import type { Template } from 'aws-cdk-lib/assertions';

/** A statement of an IAM policy as it stands in the synthesized template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** A resolved ARN as one string: Fn::Join concatenated, `{Ref: X}` -> `${X}`, GetAtt -> `${Id.Attr}`. */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flat).join(delimiter);
    }
    if (record.Ref !== undefined) return `\${${String(record.Ref)}}`;
    if (Array.isArray(record['Fn::GetAtt'])) return `\${${(record['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(value);
}

/** Logical id of the function named `name`. */
export function functionLogicalId(template: Template, name: string): string {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } });
  const ids = Object.keys(functions);
  if (ids.length !== 1) throw new Error(`expected one function named ${name}, found ${ids.length}`);
  return ids[0] as string;
}

/** Every statement that applies to the role of the function named `name`: its inline policies and any AWS::IAM::Policy on it. */
export function statementsOfFunction(template: Template, name: string): Statement[] {
  const fn = template.toJSON().Resources[functionLogicalId(template, name)] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };
  return statementsOfRole(template, fn.Properties.Role['Fn::GetAtt'][0]);
}

export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const resources = template.toJSON().Resources as Resources;
  const role = resources[roleLogicalId]?.Properties as { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> } | undefined;
  if (!role) throw new Error(`no role ${roleLogicalId}`);
  const inline = (role.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((resource) => ((resource.Properties?.Roles as Array<{ Ref?: string }> | undefined) ?? []).some((ref) => ref.Ref === roleLogicalId))
    .flatMap((resource) => (resource.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** The Allow statements that name `action` (exactly, or by a wildcard pattern). */
export function allowing(statements: readonly Statement[], action: string): Statement[] {
  return statements.filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).some((pattern) => matchesAction(pattern, action)));
}

export function matchesAction(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}

/** The destructive EC2 actions lambda-egress may only use on its own (tagged) resources. */
export const DESTRUCTIVE_EC2 = /^ec2:(Delete|Release|Detach|Disassociate|Replace)/i;

/**
 * The second resource a destructive call authorizes against besides the lambda-egress resource it acts on
 * (Service Authorization Reference): allowed on any such resource, because the call also needs the managed one.
 */
export const ALONGSIDE_MANAGED: Readonly<Record<string, string>> = { 'ec2:DetachInternetGateway': 'vpc', 'ec2:DisassociateRouteTable': 'subnet' };

/**
 * Destructive EC2 Allow statements that do not limit themselves to resources tagged
 * `lambda-egress:managed=true` or carrying the route mark `lambda-egress:added-routes`, other than the
 * ALONGSIDE_MANAGED ones (that action only, on that resource type only): the list must be empty. No task role
 * is excepted for Lambda's untagged ENIs: only the ENI cleanup role deletes them (infra/eni-cleanup-role.ts).
 */
export function destructiveWithoutManagedTag(statements: readonly Statement[]): Statement[] {
  return statements.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      actionsOf(statement).some((action) => DESTRUCTIVE_EC2.test(action) || action === '*' || action === 'ec2:*') &&
      statement.Condition?.StringEquals?.['aws:ResourceTag/lambda-egress:managed'] !== 'true' &&
      statement.Condition?.Null?.['aws:ResourceTag/lambda-egress:added-routes'] !== 'false' &&
      !isAlongsideManaged(statement),
  );
}

function isAlongsideManaged(statement: Statement): boolean {
  const [action, ...more] = actionsOf(statement);
  const type = action ? ALONGSIDE_MANAGED[action] : undefined;
  return more.length === 0 && type !== undefined && !statement.Condition && resourcesOf(statement).every((resource) => flat(resource).endsWith(`:${type}/*`));
}

/** EventBridge's input transformer, for dot-notation paths (`$.a.b`, `$.a[0]`), as the stack configures it. */
export function renderInputTemplate(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: unknown): string {
  const valueAt = (path: string): unknown => {
    let current: unknown = event;
    for (const part of path.replace(/^\$\./, '').split('.')) {
      const indexed = /^(.*)\[(\d+)\]$/.exec(part);
      const key = indexed ? indexed[1] ?? '' : part;
      current = (current as Record<string, unknown> | undefined)?.[key];
      if (indexed) current = (current as unknown[] | undefined)?.[Number(indexed[2])];
    }
    return current;
  };
  return Object.entries(transformer.InputPathsMap).reduce(
    // A JSON template inserts a string value with its quotes.
    (text, [name, path]) => text.split(`<${name}>`).join(JSON.stringify(valueAt(path))),
    transformer.InputTemplate,
  );
}
