import { GetFunctionConfigurationCommand, ListTagsCommand, paginateListAliases, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { allPages } from '../shared/paginate';
import type { FunctionFacts, FunctionVpcConfig, PinnedAlias } from './types';
import { vpcConfigOf } from './vpc-config';

/** The tags CloudFormation puts on every resource of a stack (CDK stacks included). */
const CLOUDFORMATION_STACK_TAG = 'aws:cloudformation:stack-name';
const CLOUDFORMATION_LOGICAL_ID_TAG = 'aws:cloudformation:logical-id';

const LATEST = '$LATEST';

/**
 * Reads the aliases (and the VpcConfig of each version they route to) and the function's tags. Provisioned
 * concurrency runs on an alias or a version only (never $LATEST), so an alias that carries it is among the
 * pinned aliases already.
 */
export async function readFunctionFacts(lambda: LambdaClient, configuration: FunctionConfiguration): Promise<FunctionFacts> {
  const functionArn = (configuration.FunctionArn ?? '').replace(/:\$LATEST$/, '');
  const aliases = await allPages(paginateListAliases({ client: lambda }, { FunctionName: functionArn }), (page) => page.Aliases);
  const pinnedAliases = aliases
    .map((alias): PinnedAlias => ({
      alias: alias.Name ?? '',
      versions: [alias.FunctionVersion ?? LATEST, ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})].filter((version) => version !== LATEST),
    }))
    .filter((alias) => alias.alias !== '' && alias.versions.length > 0)
    .sort((a, b) => a.alias.localeCompare(b.alias));
  const versions = [...new Set(pinnedAliases.flatMap((alias) => alias.versions))].sort((a, b) => Number(a) - Number(b));
  const versionVpcConfigs: Record<string, FunctionVpcConfig> = {};
  for (const version of versions) {
    const published = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn, Qualifier: version }));
    versionVpcConfigs[version] = vpcConfigOf(published);
  }
  const tags = (await lambda.send(new ListTagsCommand({ Resource: functionArn }))).Tags ?? {};
  const stackName = tags[CLOUDFORMATION_STACK_TAG];
  const logicalId = tags[CLOUDFORMATION_LOGICAL_ID_TAG];
  return {
    pinnedAliases,
    versionVpcConfigs,
    snapStartOnPublishedVersions: configuration.SnapStart?.ApplyOn === 'PublishedVersions',
    ...(stackName ? { cloudFormation: { stackName, ...(logicalId ? { logicalId } : {}) } } : {}),
  };
}
