import { Stack, Validations } from 'aws-cdk-lib';
import { Effect, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag acknowledgements, always on the narrowest construct and always with a reason. Wildcard findings
 * (AwsSolutions-IAM5[Resource::...]) are named the way cdk-nag renders the resource, so each one is
 * acknowledged exactly, never the whole rule.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledging ${id} on ${scope.node.path} needs a real reason, got "${reason}"`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** Acknowledges IAM5 for every wildcard resource and action of `statements`, with the reason given for each. */
export function acknowledgeWildcards(scope: IConstruct, explained: ReadonlyArray<{ statements: readonly PolicyStatement[]; why: string }>): void {
  const reasons = new Map<string, string[]>();
  for (const { statements, why } of explained) {
    for (const statement of statements) {
      if (statement.effect !== Effect.ALLOW) continue;
      const json = Stack.of(scope).resolve(statement.toStatementJson()) as { Action?: unknown; Resource?: unknown };
      const findings = [
        ...asArray(json.Action).filter((action) => flatten(action).includes('*')).map((action) => `Action::${flatten(action)}`),
        ...asArray(json.Resource).filter((resource) => flatten(resource).includes('*')).map((resource) => `Resource::${flatten(resource)}`),
      ];
      for (const finding of findings) reasons.set(finding, [...new Set([...(reasons.get(finding) ?? []), why])]);
    }
  }
  for (const [finding, why] of reasons) acknowledge(scope, `AwsSolutions-IAM5[${finding}]`, why.join('; '));
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A resolved CloudFormation value as cdk-nag prints it: Fn::Join concatenated, `{Ref: X}` as `<X>`. */
function flatten(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (record['Fn::Sub'] !== undefined) return flatten(record['Fn::Sub']);
    if (Array.isArray(record['Fn::GetAtt'])) {
      const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (record.Ref !== undefined) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(node);
}
