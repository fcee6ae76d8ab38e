import type { FunctionFacts, PinnedAlias } from './types';
import { networkSnippets, type NetworkSnippets } from './network-parameter-snippets';
import type { FunctionVpcConfig } from './types';

/**
 * What the user must know about the function after (or before) it moves: the parts of it that the move does
 * not reach. Pure: made from FunctionFacts (RecordFunction) and the VpcConfig applied (or planned).
 */
export type FunctionNotice = VersionsNotice | CloudFormationNotice;

/** Aliases (or SnapStart) that keep running a published version without the new VpcConfig. */
interface VersionsNotice {
  readonly kind: 'published-versions';
  readonly message: string;
  /** Aliases whose versions do not have the new VpcConfig; empty when only SnapStart is concerned. */
  readonly aliases: PinnedAlias[];
  /** Publishes $LATEST (which has the new VpcConfig) as a version and moves each alias there. */
  readonly commands: string[];
}

/** The function belongs to a CloudFormation (or CDK) stack whose template does not know the new VpcConfig. */
interface CloudFormationNotice {
  readonly kind: 'cloudformation-owned';
  readonly message: string;
  readonly stackName: string;
  readonly logicalId?: string;
  /**
   * How the template names the network instead of its ids, through the parameters the network publishes
   * (network-parameter-snippets.ts): CloudFormation (YAML), CDK (useNetwork) and Terraform (aws_ssm_parameter).
   */
  readonly snippets?: NetworkSnippets;
}

/** The VpcConfig the function gets, with its VPC (the CDK snippet looks it up). */
export interface TargetVpcConfig extends FunctionVpcConfig {
  readonly vpcId: string;
}

/** What the notices need besides the function's facts: its network, and its VpcConfig before this execution. */
interface NoticeContext {
  readonly network: string;
  readonly originalVpcConfig?: FunctionVpcConfig | undefined;
}

/**
 * `target` is the VpcConfig applied (ReportResult) or planned (`plan`); undefined when it is not known yet
 * (a network still to be created), and then every pinned alias is reported. A function that had the network's
 * VpcConfig already (its template names the network: useNetwork) joins with nothing to change, and its stack
 * gets no notice.
 */
export function functionNotices(functionName: string, facts: FunctionFacts | undefined, target: TargetVpcConfig | undefined, context: NoticeContext): FunctionNotice[] {
  if (!facts) return [];
  const notices: FunctionNotice[] = [];
  const behind = facts.pinnedAliases.filter((alias) => alias.versions.some((version) => !target || !sameVpcConfig(facts.versionVpcConfigs[version], target)));
  if (behind.length > 0 || facts.snapStartOnPublishedVersions) notices.push(versionsNotice(functionName, behind, facts.snapStartOnPublishedVersions));
  const alreadyThere = target !== undefined && sameVpcConfig(context.originalVpcConfig, target);
  if (facts.cloudFormation && !alreadyThere) notices.push(cloudFormationNotice(facts.cloudFormation, context.network, target));
  return notices;
}

function versionsNotice(functionName: string, aliases: PinnedAlias[], snapStart: boolean): VersionsNotice {
  const named = aliases.map((alias) => `${alias.alias} (version ${alias.versions.join(', ')})`).join(', ');
  const message = [
    aliases.length > 0
      ? `${aliases.length === 1 ? 'alias' : 'aliases'} ${named} still ${aliases.length === 1 ? 'runs' : 'run'} a published version without this egress: VpcConfig belongs to $LATEST, and a version keeps the configuration it was published with (provisioned concurrency on an alias stays on its version too).`
      : '',
    snapStart ? 'SnapStart runs published versions only: invocations through a version or alias keep the old network until you publish a new version.' : '',
    'Publish $LATEST as a new version and move the aliases to it:',
  ]
    .filter(Boolean)
    .join(' ');
  const quoted = shellQuote(functionName);
  const commands = [
    `VERSION=$(aws lambda publish-version --function-name ${quoted} --query Version --output text)`,
    // A weighted alias (AdditionalVersionWeights) is moved whole to the new version: its routing is cleared.
    ...aliases.map((alias) => `aws lambda update-alias --function-name ${quoted} --name ${shellQuote(alias.alias)} --function-version "$VERSION"${alias.versions.length > 1 ? " --routing-config '{}'" : ''}`),
  ];
  return { kind: 'published-versions', message, aliases, commands };
}

function cloudFormationNotice(owner: NonNullable<FunctionFacts['cloudFormation']>, network: string, target: TargetVpcConfig | undefined): CloudFormationNotice {
  const resource = owner.logicalId ? `resource ${owner.logicalId} of stack ${owner.stackName}` : `a resource of stack ${owner.stackName}`;
  const message =
    `the function is ${resource} (CloudFormation or CDK): the next stack update that touches it may put its old VpcConfig back and cut this egress. ` +
    `Name network ${network} in the template instead of its ids: it reads the parameters the network publishes under /lambda-egress/networks/${network}/ at each deploy, so it follows the network:`;
  return {
    kind: 'cloudformation-owned',
    message,
    stackName: owner.stackName,
    ...(owner.logicalId ? { logicalId: owner.logicalId } : {}),
    snippets: networkSnippets(network, target?.ipv6AllowedForDualStack === true),
  };
}

function sameVpcConfig(a: FunctionVpcConfig | undefined, b: FunctionVpcConfig): boolean {
  if (!a) return false;
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && [...x].sort().join() === [...y].sort().join();
  return same(a.subnetIds, b.subnetIds) && same(a.securityGroupIds, b.securityGroupIds) && a.ipv6AllowedForDualStack === b.ipv6AllowedForDualStack;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_:./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
