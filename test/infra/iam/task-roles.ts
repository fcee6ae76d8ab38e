import { Template } from 'aws-cdk-lib/assertions';
import { TASKS, type TaskName } from '../../../functions/shared/task-registry';
import type { LambdaEgressStackProps } from '../../../infra/lambda-egress-stack';
import { cachedTemplate } from '../../support/synth-cache';
import { statementsOfFunction, type Statement } from '../../support/template-queries';
import { ACCOUNT, ENI_CLEANUP_ROLE_ARN, PROBE_ROLE_ARN, REGION, REGISTRY_TABLE_ARN } from './iam-requests';

const PREFIX = 'LambdaEgress';

/** A task's role as IAM sees it: its ARN and its statements with every intrinsic resolved. */
export interface TaskRole {
  /** The task whose function runs as the role, or EniCleanup for the role Rollback and TeardownNetwork assume. */
  readonly task: TaskName | 'EniCleanup';
  readonly roleArn: string;
  readonly statements: Statement[];
}

/** The stack's template with `props` (its code not bundled, which changes no policy), from the synthesis cache. */
function stackTemplate(props: LambdaEgressStackProps): Template {
  const json = cachedTemplate({
    name: 'task-roles',
    inputs: props,
    sources: [__filename],
    synthesize: () => {
      // Loaded on a miss only: a hit needs neither the construct library's modules nor the stack's.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
      const { LambdaEgressStack } = require('../../../infra/lambda-egress-stack') as typeof import('../../../infra/lambda-egress-stack');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      return Template.fromStack(new LambdaEgressStack(app, PREFIX, props)).toJSON();
    },
  });
  return Template.fromJSON(json);
}

/**
 * The task roles of the synthesized stack (the same construct tree `npx cdk synth` builds; the functions'
 * code is not bundled, which changes no policy), with the pseudo parameters resolved to the simulation's
 * account and region and the probe role to PROBE_ROLE_ARN; with them the ENI cleanup role (EniCleanup).
 */
export function synthesizedTaskRoles(props: LambdaEgressStackProps = {}): Record<TaskName, TaskRole> & { readonly EniCleanup: TaskRole } {
  const template = stackTemplate(props);
  const probeRoleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('ProbeRole'));
  const registryTableId = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0];
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (record.Ref === 'AWS::Partition') return 'aws';
    if (record.Ref === 'AWS::Region') return REGION;
    if (record.Ref === 'AWS::AccountId') return ACCOUNT;
    if (record.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (record.Ref === 'AWS::StackName') return PREFIX;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map((item) => String(resolve(item))).join(delimiter);
    }
    if (Array.isArray(record['Fn::GetAtt'])) {
      const [id] = record['Fn::GetAtt'] as [string, string];
      if (id === registryTableId) return REGISTRY_TABLE_ARN;
      return id === probeRoleId ? PROBE_ROLE_ARN : `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${id}`;
    }
    if (record.Ref !== undefined) return `arn:aws:unresolved:${REGION}:${ACCOUNT}:${String(record.Ref)}`;
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, resolve(child)]));
  };
  const [cleanupRole] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: `${PREFIX}-EniCleanup` } })) as Array<{ Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> } }>;
  if (!cleanupRole) throw new Error(`the stack has no role named ${PREFIX}-EniCleanup`);
  const eniCleanup: TaskRole = { task: 'EniCleanup', roleArn: ENI_CLEANUP_ROLE_ARN, statements: resolve(cleanupRole.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement)) as Statement[] };
  return {
    ...(Object.fromEntries(
      (Object.keys(TASKS) as TaskName[]).map((task) => [
        task,
        { task, roleArn: `arn:aws:iam::${ACCOUNT}:role/${PREFIX}-${task}-role`, statements: resolve(statementsOfFunction(template, `${PREFIX}-${task}`)) as Statement[] },
      ]),
    ) as Record<TaskName, TaskRole>),
    EniCleanup: eniCleanup,
  };
}
