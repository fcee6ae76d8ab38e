import { paginateDescribeSecurityGroups, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { ListAliasesCommand, paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../shared/clients';
import { allPages } from '../shared/paginate';
import type { LedgerEntry } from '../shared/types';

/** One thing that keeps the network's subnets or security group in use for good, and the command that frees it. */
export interface TeardownBlocker {
  /** `function:version` or `sg-id rule`. */
  readonly what: string;
  readonly why: string;
  readonly fix: string;
}

/**
 * What a teardown would wait on in vain, found before anything is deleted (read-only):
 * - a **published version** whose VpcConfig uses the network's subnets or security group: a version is immutable
 *   (its VpcConfig cannot change), and Lambda keeps the Hyperplane ENIs of that combination while any version
 *   uses it (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html), so DeleteSubnet and
 *   DeleteSecurityGroup answer DependencyViolation until the version is deleted — with its aliases first, and any
 *   provisioned concurrency on it (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html);
 * - a **rule of another security group** that references the network's group: DeleteSecurityGroup "fails with
 *   DependencyViolation" while the group "is referenced by another security group in the same VPC"
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html).
 * The network's own probe function is not one: the teardown deletes it.
 */
export async function teardownBlockers(clients: Pick<AwsClients, 'ec2' | 'lambda'>, ledger: readonly LedgerEntry[]): Promise<TeardownBlocker[]> {
  const ids = (kind: LedgerEntry['kind']) => new Set(ledger.filter((entry) => entry.kind === kind).map((entry) => entry.id));
  const subnets = ids('subnet');
  const groups = ids('security-group');
  return [...(await functionBlockers(clients, subnets, groups, ids('probe-function'))), ...(await ruleBlockers(clients, groups))];
}

async function functionBlockers(clients: Pick<AwsClients, 'lambda'>, subnets: ReadonlySet<string>, groups: ReadonlySet<string>, probes: ReadonlySet<string>): Promise<TeardownBlocker[]> {
  if (subnets.size === 0 && groups.size === 0) return [];
  const versions = await allPages(paginateListFunctions({ client: clients.lambda }, { FunctionVersion: 'ALL' }), (page) => page.Functions);
  const blockers: TeardownBlocker[] = [];
  for (const version of versions) {
    const name = version.FunctionName ?? '';
    const uses = usedParts(version, subnets, groups);
    if (!name || probes.has(name) || uses.length === 0) continue;
    // $LATEST can still move (a release, or its owner, moves it): only a published version is held for good.
    const qualifier = version.Version ?? '$LATEST';
    if (qualifier === '$LATEST') continue;
    const aliases = ((await clients.lambda.send(new ListAliasesCommand({ FunctionName: name, FunctionVersion: qualifier }))).Aliases ?? []).map((alias) => alias.Name ?? '').filter(Boolean);
    const freeAliases = aliases.map((alias) => `aws lambda delete-alias --function-name ${name} --name ${alias} (or update-alias to another version)`);
    blockers.push({
      what: `${name}:${qualifier}`,
      why: `published version${aliases.length > 0 ? ` (aliases ${aliases.join(', ')})` : ''} whose VpcConfig uses ${uses.join(', ')}; a version's VpcConfig cannot change`,
      fix: [
        ...freeAliases,
        `remove any provisioned concurrency on it or its aliases (aws lambda delete-provisioned-concurrency-config --function-name ${name} --qualifier ${aliases[0] ?? qualifier})`,
        `aws lambda delete-function --function-name ${name} --qualifier ${qualifier}`,
      ].join('; then '),
    });
  }
  return blockers;
}

function usedParts(version: FunctionConfiguration, subnets: ReadonlySet<string>, groups: ReadonlySet<string>): string[] {
  const config = version.VpcConfig;
  return [...(config?.SubnetIds ?? []).filter((id) => subnets.has(id)), ...(config?.SecurityGroupIds ?? []).filter((id) => groups.has(id))];
}

async function ruleBlockers(clients: Pick<AwsClients, 'ec2'>, groups: ReadonlySet<string>): Promise<TeardownBlocker[]> {
  if (groups.size === 0) return [];
  const referencing = new Map<string, SecurityGroup>();
  for (const filter of ['ip-permission.group-id', 'egress.ip-permission.group-id']) {
    const found = await allPages(paginateDescribeSecurityGroups({ client: clients.ec2 }, { Filters: [{ Name: filter, Values: [...groups] }] }), (page) => page.SecurityGroups);
    for (const group of found) if (group.GroupId && !groups.has(group.GroupId)) referencing.set(group.GroupId, group);
  }
  const blockers: TeardownBlocker[] = [];
  for (const group of [...referencing.values()].sort((a, b) => (a.GroupId ?? '').localeCompare(b.GroupId ?? ''))) {
    const rules = [
      ...(group.IpPermissions ?? []).map((rule) => ({ rule, direction: 'ingress' as const })),
      ...(group.IpPermissionsEgress ?? []).map((rule) => ({ rule, direction: 'egress' as const })),
    ];
    for (const { rule, direction } of rules) {
      for (const pair of rule.UserIdGroupPairs ?? []) {
        if (!pair.GroupId || !groups.has(pair.GroupId)) continue;
        const permission = cliPermission(rule, pair.GroupId);
        blockers.push({
          what: `${group.GroupId} rule`,
          why: `${group.GroupName ? `security group "${group.GroupName}" ` : ''}has an ${direction === 'ingress' ? 'inbound rule from' : 'outbound rule to'} the network's ${pair.GroupId} (${permission})`,
          fix: `aws ec2 revoke-security-group-${direction} --group-id ${group.GroupId} --ip-permissions '${permission}'`,
        });
      }
    }
  }
  return blockers;
}

/** The rule as the AWS CLI's shorthand names it, narrowed to the one group pair that references the network. */
function cliPermission(rule: IpPermission, groupId: string): string {
  const ports = rule.IpProtocol === '-1' ? '' : `,FromPort=${rule.FromPort ?? -1},ToPort=${rule.ToPort ?? -1}`;
  return `IpProtocol=${rule.IpProtocol ?? '-1'}${ports},UserIdGroupPairs=[{GroupId=${groupId}}]`;
}
