/** A CloudFormation template as `cdk synth` writes it and GetTemplate returns it. */
export interface CfnTemplate {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
}

/**
 * Resource types of this stack that moto 5.2.1's CloudFormation skips without an error (it logs "not
 * supported" and leaves them out of the stack): the deploy test proves nothing about them. cfn-lint, cdk-nag
 * and the infra tests check their shape; only AWS proves they deploy.
 */
export const MOTO_SKIPS: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::Stage': 'the API stage (throttling, access logs, tracing)',
  'AWS::ApiGateway::Account': "API Gateway's account-level CloudWatch role",
  'AWS::ApiGateway::RequestValidator': 'the request validators',
  'AWS::ApiGateway::Model': 'the request model (JSON schema)',
  'AWS::ApiGateway::GatewayResponse': 'the BAD_REQUEST_BODY response',
  'AWS::SQS::QueuePolicy': "the dead-letter queue's policy (EventBridge may send, TLS only)",
  'AWS::CloudWatch::Alarm': 'the alarms',
  'AWS::Logs::MetricFilter': 'the RollbackIncomplete metric filters',
  'AWS::CDK::Metadata': "CDK's version-reporting resource",
};

/** `Fn::Sub` of a plain string over AWS pseudo parameters only: what a template's asset locations use. */
export function resolvePseudoSub(value: unknown, pseudo: Readonly<Record<string, string>>): string {
  if (typeof value === 'string') return value;
  const sub = (value as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'];
  if (typeof sub !== 'string') throw new Error(`expected a string or Fn::Sub of a string, got ${JSON.stringify(value)}`);
  return sub.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    const resolved = pseudo[name];
    if (resolved === undefined) throw new Error(`cannot resolve ${whole} in ${sub}`);
    return resolved;
  });
}

/** Every `${...}` in a text: placeholders of a definition, whatever characters they hold. */
export function everyPlaceholder(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1] ?? ''))];
}

/** The logical id a substitution value points at (`Fn::GetAtt [Id, Arn]` or `Ref Id`), or undefined for anything else. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as { 'Fn::GetAtt'?: unknown; Ref?: unknown };
  if (Array.isArray(record['Fn::GetAtt']) && record['Fn::GetAtt'][1] === 'Arn') return String(record['Fn::GetAtt'][0]);
  if (typeof record.Ref === 'string') return record.Ref;
  return undefined;
}
