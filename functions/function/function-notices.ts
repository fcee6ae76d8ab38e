import type { FunctionFacts, PinnedAlias } from './types';
import type { FunctionVpcConfig } from './types';

/**
 * What the user must know about the function after (or before) it moves: the parts of it that the move does
 * not reach. Pure: made from FunctionFacts (RecordFunction) and the VpcConfig applied (or planned).
 */
export type FunctionNotice = VersionsNotice | CloudFormationNotice;

/** Aliases (or SnapStart) that keep running a published version without the new VpcConfig. */
export interface VersionsNotice {
  readonly kind: 'published-versions';
  readonly message: string;
  /** Aliases whose versions do not have the new VpcConfig; empty when only SnapStart is concerned. */
  readonly aliases: PinnedAlias[];
  /** Publishes $LATEST (which has the new VpcConfig) as a version and moves each alias there. */
  readonly commands: string[];
}

/** The function belongs to a CloudFormation (or CDK) stack whose template does not know the new VpcConfig. */
export interface CloudFormationNotice {
  readonly kind: 'cloudformation-owned';
  readonly message: string;
  readonly stackName: string;
  readonly logicalId?: string;
  /** The ids as the template's `VpcConfig` property (YAML) and as CDK code; absent while the ids are unknown (plan of a new network). */
  readonly snippets?: { readonly cloudFormationYaml: string; readonly cdk: string };
}

/** The VpcConfig the function gets, with its VPC (the CDK snippet looks it up). */
export interface TargetVpcConfig extends FunctionVpcConfig {
  readonly vpcId: string;
}

/**
 * `target` is the VpcConfig applied (ReportResult) or planned (`plan`); undefined when it is not known yet
 * (a network still to be created), and then every pinned alias is reported.
 */
export function functionNotices(functionName: string, facts: FunctionFacts | undefined, target: TargetVpcConfig | undefined): FunctionNotice[] {
  if (!facts) return [];
  const notices: FunctionNotice[] = [];
  const behind = facts.pinnedAliases.filter((alias) => alias.versions.some((version) => !target || !sameVpcConfig(facts.versionVpcConfigs[version], target)));
  if (behind.length > 0 || facts.snapStartOnPublishedVersions) notices.push(versionsNotice(functionName, behind, facts.snapStartOnPublishedVersions));
  if (facts.cloudFormation) notices.push(cloudFormationNotice(facts.cloudFormation, target));
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

function cloudFormationNotice(owner: NonNullable<FunctionFacts['cloudFormation']>, target: TargetVpcConfig | undefined): CloudFormationNotice {
  const resource = owner.logicalId ? `resource ${owner.logicalId} of stack ${owner.stackName}` : `a resource of stack ${owner.stackName}`;
  const message =
    `the function is ${resource} (CloudFormation or CDK): the next stack update that touches it may put its old VpcConfig back and cut this egress. ` +
    (target ? 'Put the new VpcConfig in the template:' : 'Put the new VpcConfig in the template once provision has created the network (the ids are in its result).');
  return {
    kind: 'cloudformation-owned',
    message,
    stackName: owner.stackName,
    ...(owner.logicalId ? { logicalId: owner.logicalId } : {}),
    ...(target ? { snippets: { cloudFormationYaml: cloudFormationYaml(target), cdk: cdkCode(target) } } : {}),
  };
}

/** The `VpcConfig` property of AWS::Lambda::Function (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-vpcconfig.html). */
export function cloudFormationYaml(target: TargetVpcConfig): string {
  return [
    'VpcConfig:',
    '  SubnetIds:',
    ...target.subnetIds.map((id) => `    - ${id}`),
    '  SecurityGroupIds:',
    ...target.securityGroupIds.map((id) => `    - ${id}`),
    ...(target.ipv6AllowedForDualStack ? ['  Ipv6AllowedForDualStack: true'] : []),
  ].join('\n');
}

/** The same, as props of aws-cdk-lib's lambda.Function (`ec2` is aws-cdk-lib/aws-ec2; fromLookup needs a stack with an explicit env). */
export function cdkCode(target: TargetVpcConfig): string {
  return [
    `vpc: ec2.Vpc.fromLookup(this, 'EgressVpc', { vpcId: '${target.vpcId}' }),`,
    `vpcSubnets: { subnets: [${target.subnetIds.map((id) => `'${id}'`).join(', ')}].map((id, index) => ec2.Subnet.fromSubnetId(this, \`EgressSubnet\${index}\`, id)) },`,
    `securityGroups: [${target.securityGroupIds.map((id, index) => `ec2.SecurityGroup.fromSecurityGroupId(this, 'EgressSecurityGroup${index}', '${id}')`).join(', ')}],`,
    ...(target.ipv6AllowedForDualStack ? ['ipv6AllowedForDualStack: true,'] : []),
  ].join('\n');
}

function sameVpcConfig(a: FunctionVpcConfig | undefined, b: FunctionVpcConfig): boolean {
  if (!a) return false;
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && [...x].sort().join() === [...y].sort().join();
  return same(a.subnetIds, b.subnetIds) && same(a.securityGroupIds, b.securityGroupIds) && a.ipv6AllowedForDualStack === b.ipv6AllowedForDualStack;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_:./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
