import { App, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CatalogApi } from '../../infra/catalog-api';
import { RegistryTable } from '../../infra/registry-table';
import { TagTrigger } from '../../infra/tag-trigger';
import { acknowledge } from '../../infra/nag';

/**
 * The stack test/infra/entry-points.test.ts reads: the catalog API and the tag trigger, given a release and a
 * teardown state machine (any: these are stand-ins, the stack wires the real ones). Synthesized with cdk-nag's
 * AwsSolutions pack as the gate, as infra/app.ts does: synthesis throws on any unacknowledged finding. A module of
 * its own so that the test loads the construct library and cdk-nag only when the synthesis cache misses.
 */
export interface EntryPointsSynthesis {
  readonly template: Record<string, unknown>;
  /** The logical ids of the stand-in state machines and of the registry table. */
  readonly machines: Record<'provision' | 'release' | 'teardown', string>;
  readonly tableId: string;
}

function workflow(scope: Stack, id: string): StateMachine {
  // Logged and traced, so cdk-nag's only finding in a stand-in is its role's log delivery and X-Ray wildcard.
  const machine = new StateMachine(scope, id, {
    definitionBody: DefinitionBody.fromChainable(new Pass(scope, `${id}Done`)),
    logs: { destination: new LogGroup(scope, `${id}Logs`), level: LogLevel.ALL },
    tracingEnabled: true,
  });
  const policy = machine.role.node.tryFindChild('DefaultPolicy');
  if (policy) acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', "a test stand-in workflow's log delivery and X-Ray calls, which have no resource-level permissions");
  return machine;
}

export function synthesizeEntryPoints(prefix: string, withLifecycle: boolean): EntryPointsSynthesis {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, prefix);
  const provision = workflow(stack, 'Provision');
  const release = workflow(stack, 'Release');
  const teardown = workflow(stack, 'Teardown');
  const registry = new RegistryTable(stack, 'Registry');
  const registryTable = { tableName: registry.table.tableName, tableArn: registry.table.tableArn };
  new CatalogApi(stack, 'Catalog', {
    stateMachine: provision,
    registryTable,
    settings: { functionNamePrefix: prefix },
    ...(withLifecycle ? { releaseStateMachine: release, teardownStateMachine: teardown } : {}),
  });
  new TagTrigger(stack, 'TagTrigger', { stateMachine: provision, ...(withLifecycle ? { releaseStateMachine: release } : {}) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const template = assembly.getStackByName(prefix).template as Record<string, unknown>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string;
  return { template, machines: { provision: idOf(provision), release: idOf(release), teardown: idOf(teardown) }, tableId: idOf(registry.table) };
}
