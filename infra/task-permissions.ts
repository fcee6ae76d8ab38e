import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TaskName } from '../functions/shared/task-registry';
import { TAG_ADDED_ROUTES } from '../functions/shared/tags';
import { changeProbeFunctions, createNatAlarms, createProbeFunctions, findNatAlarms, readProbeFunctions } from './managed-resource-grants';
import { createNatInstanceGroups, readNatInstanceReadiness } from './nat-instance-grants';
import type { TargetScope } from '../functions/shared/target-scope';
import { registryItems } from './registry-grants';
import { readFunctionAliases } from './teardown-grants';
import { readVpcQuotas } from './service-quota-grants';
import { narrowEniPolicyOnRoles } from './narrow-eni-policy-grants';
import { associateAddressWithManagedEni } from './egress-ip-grants';
import { publishNetworkParameters } from './network-parameter-grants';
import { NETWORK_PREFIX } from '../functions/shared/registry/table';
import { undoEngineGrants } from './undo-engine-grants';
import {
  changeTargetFunctionVpcConfig,
  denyProductFunctions,
  ec2AddTo,
  ec2Create,
  ec2Describe,
  ec2OnManaged,
  ec2ReadAny,
  ec2TagOnCreate,
  listFunctions,
  markUserRouteTables,
  listRolePolicies,
  onMarkedRouteTables,
  onTargetFunctions,
  vpcAccessPolicyOnRoles,
  type Grant,
} from './policy-builders';

/** What the permission table needs from the stack: ARNs known only once the stack exists. */
interface PermissionContext {
  /** The role every probe function runs as (EnsureProbeFunction passes it to lambda:CreateFunction). */
  readonly probeRoleArn: string;
  /** The registry table (infra/registry-table.ts): the only table the lock and membership tasks touch. */
  readonly registryTable: { readonly tableName: string; readonly tableArn: string };
  /** The role the undo engine assumes, narrowed to a network's subnets, to delete its Lambda ENIs (infra/eni-cleanup-role.ts). */
  readonly eniCleanupRoleArn: string;
  /** The stack's scope (targetFunctions, targetRoles): what the statements on users' functions and roles are narrowed to. */
  readonly scope?: TargetScope;
}

/** The reads of the egress path's analysis (functions/probe/reachability-facts.ts), RunProbe's and CheckJoinNetwork's. */
const REACHABILITY_READS = [
  'DescribeSubnets',
  'DescribeSecurityGroups',
  'DescribeVpcs',
  'DescribeRouteTables',
  'DescribeNatGateways',
  'DescribeInternetGateways',
  'DescribeEgressOnlyInternetGateways',
  'DescribeNetworkAcls',
  'DescribeNetworkInterfaces',
] as const;

/**
 * The one table of what each task may call: the source of truth for the task roles. Derived from the
 * handlers' SDK calls (test/infra checks every `new XxxCommand` of a handler's code is allowed here).
 * Every role also gets `denyProductFunctions` and write access to its own log group (task-functions.ts).
 */
export const TASK_PERMISSIONS: Record<TaskName, (context: PermissionContext) => Grant[]> = {
  ValidateRequest: (context) => [
    // With the preflight's (functions/network/preflight): quotas, VPC Block Public Access, NAT instance type offerings;
    // DescribeAddresses and DescribeNatGateways also check network.eipAllocationIds (functions/network/egress-ip-preflight.ts).
    ec2Describe(
      'DescribeAvailabilityZones',
      'DescribeVpcs',
      'DescribeSubnets',
      'DescribeAccountAttributes',
      'DescribeAddresses',
      'DescribeNatGateways',
      'DescribeInstanceTypeOfferings',
      'DescribeVpcBlockPublicAccessOptions',
      'DescribeVpcBlockPublicAccessExclusions',
      'DescribeSecurityGroups',
      // network.keepEgressIps: a kept address in use by the network's own NAT instance (kept-egress-ip-preflight.ts).
      'DescribeNetworkInterfaces',
    ),
    // DescribeVpcAttribute authorizes on the VPC: the existing VPC's DNS attribute, on a VPC lambda-egress did not create.
    ec2ReadAny('ReadExistingVpcDns', ['DescribeVpcAttribute'], ['vpc']),
    // The VPC and NAT-gateways-per-AZ quotas (functions/validate/preflight/vpc-quotas.ts).
    readVpcQuotas(),
    // Account-wide and read-only: ValidateRequest must see a function outside the scope to refuse it by name.
    onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration', 'lambda:ListTags']),
    // The network's record: the allowedFunctions rule and the settings it was created with (a join inherits them).
    registryItems('RegistryReadNetwork', ['Query'], context.registryTable, [NETWORK_PREFIX]),
    // A move out of another network (functions/validate/preflight/function-move.ts): the function's membership pointer and item.
    registryItems('RegistryReadMembership', ['GetItem'], context.registryTable),
  ],
  // ListAliases and ListTags authorize on the function (Service Authorization Reference, AWS Lambda:
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html); the versions the
  // aliases route to are read with GetFunctionConfiguration and a Qualifier.
  RecordFunction: (context) => [onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration', 'lambda:ListAliases', 'lambda:ListTags'], context.scope?.targetFunctions), listRolePolicies()],
  AuditExistingVpc: () => [ec2Describe('DescribeVpcs', 'DescribeSubnets', 'DescribeRouteTables', 'DescribeInternetGateways', 'DescribeNatGateways', 'DescribeNetworkInterfaces')],
  EnsureVpc: () => [
    // The BPA reads: network.blockPublicAccessExclusion (ensure-bpa-exclusion.ts).
    ec2Describe('DescribeVpcs', 'DescribeSubnets', 'DescribeVpcBlockPublicAccessOptions', 'DescribeVpcBlockPublicAccessExclusions'),
    // DescribeVpcAttribute authorizes on the VPC (Service Authorization Reference, Amazon EC2:
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html); EnsureVpc reads
    // the DNS attributes of the network's own VPC only.
    ec2OnManaged('ReadManagedVpc', ['DescribeVpcAttribute'], ['vpc']),
    ec2Create('CreateVpc', 'vpc'),
    // DNS attributes and the IPv6 /56: only on the network's own VPC (existing VPCs are never changed).
    ec2OnManaged('ChangeManagedVpc', ['ModifyVpcAttribute', 'AssociateVpcCidrBlock'], ['vpc']),
    // network.blockPublicAccessExclusion: an allow-egress exclusion of the network's own VPC only (ensure-bpa-exclusion.ts).
    ec2Create('CreateVpcBlockPublicAccessExclusion', 'vpc-block-public-access-exclusion', { inManaged: ['vpc'] }),
    ec2TagOnCreate(['CreateVpc', 'CreateVpcBlockPublicAccessExclusion']),
  ],
  EnsureSubnets: () => [
    ec2Describe('DescribeSubnets', 'DescribeVpcs'),
    ec2Create('CreateSubnet', 'subnet', { in: ['vpc'] }),
    ec2TagOnCreate(['CreateSubnet']),
  ],
  EnsureInternetGateway: () => [
    ec2Describe('DescribeInternetGateways', 'DescribeEgressOnlyInternetGateways', 'DescribeSubnets', 'DescribeVpcs'),
    ec2Create('CreateInternetGateway', 'internet-gateway'),
    ec2AddTo('AttachInternetGateway', 'AttachInternetGateway', ['vpc'], ['internet-gateway']),
    ec2Create('CreateEgressOnlyInternetGateway', 'egress-only-internet-gateway', { in: ['vpc'] }),
    ec2TagOnCreate(['CreateInternetGateway', 'CreateEgressOnlyInternetGateway']),
  ],
  EnsureSecurityGroup: () => [
    ec2Describe('DescribeSecurityGroups', 'DescribeSubnets', 'DescribeVpcs'),
    ec2Create('CreateSecurityGroup', 'security-group', { in: ['vpc'] }),
    ec2OnManaged('ChangeManagedSecurityGroup', ['AuthorizeSecurityGroupEgress'], ['security-group']),
    ec2TagOnCreate(['CreateSecurityGroup']),
  ],
  EnsureNatGateway: () => [
    ec2Describe('DescribeNatGateways', 'DescribeAddresses', 'DescribeSubnets', 'DescribeVpcs', 'DescribeSecurityGroups', 'DescribeNetworkInterfaces', 'DescribeLaunchTemplates'),
    ec2Create('AllocateAddress', 'elastic-ip'),
    // A zonal NAT gateway authorizes on its subnet and EIP; a regional one (natGateways "regional") on its VPC
    // (Service Authorization Reference, Amazon EC2, CreateNatGateway: natgateway, elastic-ip, subnet, vpc).
    // network.eipAllocationIds: the user's own Elastic IPs (not tagged by lambda-egress, and never tagged by it) may
    // be a new NAT gateway's address. Using one changes nothing of it; only ReleaseAddress would, and that stays
    // limited to managed ones.
    ec2Create('CreateNatGateway', 'natgateway', { in: ['subnet', 'vpc', 'elastic-ip'] }),
    // natGateways "instance" (functions/network/ensure-nat-instance.ts; Service Authorization Reference, Amazon EC2):
    // CreateNetworkInterface on the ENI, subnet and group; AssociateAddress on the EIP and ENI.
    ec2Create('CreateSecurityGroup', 'security-group', { in: ['vpc'] }),
    ec2OnManaged('ChangeNatInstanceGroup', ['AuthorizeSecurityGroupIngress'], ['security-group']),
    ec2Create('CreateNetworkInterface', 'network-interface', { in: ['subnet'], inManaged: ['security-group'] }),
    ec2OnManaged('ChangeNatInstanceEni', ['ModifyNetworkInterfaceAttribute'], ['network-interface']),
    associateAddressWithManagedEni(),
    ec2Create('CreateLaunchTemplate', 'launch-template'),
    createNatInstanceGroups(),
    ec2TagOnCreate(['AllocateAddress', 'CreateNatGateway', 'CreateSecurityGroup', 'CreateNetworkInterface', 'CreateLaunchTemplate']),
    findNatAlarms(),
    createNatAlarms(),
  ],
  CheckNatGateways: () => [ec2Describe('DescribeNatGateways', 'DescribeNetworkInterfaces'), readNatInstanceReadiness()],
  EnsureRouteTables: () => [
    ec2Describe('DescribeRouteTables', 'DescribeSubnets', 'DescribeVpcs'),
    ec2Create('CreateRouteTable', 'route-table', { in: ['vpc'] }),
    ec2AddTo('AssociateRouteTable', 'AssociateRouteTable', ['subnet'], ['route-table']),
    // CreateRoute authorizes on the route table only (Service Authorization Reference, Amazon EC2:
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html): the gateway a
    // route points to is not checked, so only tables are named. Create mode: the network's own tables.
    // Existing-VPC mode: a table of the user's that the audit found without a default route, which
    // EnsureRouteTables marks (the next statement) just before adding the route; the route is never rewritten.
    ec2OnManaged('CreateRouteInOwnTables', ['CreateRoute'], ['route-table']),
    // Existing-VPC mode: CreateRoute in a user's table only once EnsureRouteTables has marked it.
    onMarkedRouteTables('CreateRouteInMarkedTables', 'CreateRoute', `the audited route tables of an existing VPC are known only at run time; each must carry ${TAG_ADDED_ROUTES}, which EnsureRouteTables sets just before`),
    markUserRouteTables('MarkUserRouteTables', ['ec2:CreateTags'], false),
    ec2TagOnCreate(['CreateRouteTable']),
  ],
  EnsureS3Endpoint: () => [
    ec2Describe('DescribeVpcEndpoints', 'DescribeRouteTables', 'DescribeSubnets', 'DescribeVpcs'),
    // Only the S3 gateway endpoint (ec2:VpceServiceName, a condition key of the vpc-endpoint resource type).
    ec2Create('CreateVpcEndpoint', 'vpc-endpoint', { in: ['vpc'], inManaged: ['route-table'], newOnly: { 'ec2:VpceServiceName': `com.amazonaws.${Aws.REGION}.s3` } }),
    ec2OnManaged('ChangeManagedEndpoint', ['ModifyVpcEndpoint'], ['vpc-endpoint', 'route-table']),
    ec2TagOnCreate(['CreateVpcEndpoint']),
  ],
  AttachFunction: (context) => [
    // Lambda lets only a caller that may describe the subnets, groups and VPC set a VpcConfig.
    ec2Describe('DescribeSubnets', 'DescribeSecurityGroups', 'DescribeVpcs'),
    onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration'], context.scope?.targetFunctions),
    changeTargetFunctionVpcConfig('ChangeTargetFunctionVpcConfig', context.scope?.targetFunctions),
  ],
  AttachVpcAccessPolicy: (context) => [listRolePolicies(), vpcAccessPolicyOnRoles(['iam:AttachRolePolicy'], context.scope?.targetRoles)],
  CheckFunctionUpdate: (context) => [onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration'], context.scope?.targetFunctions)],
  RunProbe: () => [
    ec2Describe(...REACHABILITY_READS),
    readProbeFunctions(),
    changeProbeFunctions('InvokeProbeFunctions', ['lambda:InvokeFunction']),
  ],
  // A join's drift check (functions/probe/check-join-network.ts): the reachability analysis' reads, the NAT gateways and the S3 endpoint.
  CheckJoinNetwork: () => [ec2Describe(...REACHABILITY_READS, 'DescribeVpcEndpoints')],
  EnsureProbeFunction: (context) => [
    // Lambda lets only a caller that may describe the subnets, groups and VPC set a VpcConfig.
    ec2Describe('DescribeSubnets', 'DescribeSecurityGroups', 'DescribeVpcs'),
    readProbeFunctions(),
    createProbeFunctions(),
    changeProbeFunctions('ChangeProbeFunctions', ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration']),
    passProbeRole(context.probeRoleArn),
  ],
  CheckProbeFunction: () => [readProbeFunctions()],
  DetachVpcAccessPolicy: (context) => [vpcAccessPolicyOnRoles(['iam:DetachRolePolicy'], context.scope?.targetRoles), listFunctions(), narrowEniPolicyOnRoles(['iam:PutRolePolicy'], context)],
  ReportResult: () => [],
  Rollback: (context) => [
    // DescribeLaunchTemplates: the NAT instance parts a failed EnsureNatGateway left unledgered (nat-instance-lost-parts.ts).
    ...undoEngineGrants(context.eniCleanupRoleArn, ['DescribeVpcs', 'DescribeSubnets', 'DescribeEgressOnlyInternetGateways', 'DescribeAddresses', 'DescribeVpcEndpoints', 'DescribeSecurityGroups', 'DescribeVpcBlockPublicAccessOptions', 'DescribeVpcBlockPublicAccessExclusions', 'DescribeLaunchTemplates']),
    // Restoring the original VpcConfig (the undo engine's Describe calls also satisfy Lambda's VpcConfig check).
    onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration'], context.scope?.targetFunctions),
    changeTargetFunctionVpcConfig('RestoreTargetFunctionVpcConfig', context.scope?.targetFunctions),
    listFunctions(),
    listRolePolicies(),
    vpcAccessPolicyOnRoles(['iam:DetachRolePolicy'], context.scope?.targetRoles),
    narrowEniPolicyOnRoles(['iam:DeleteRolePolicy'], context),
    // The membership this execution wrote, when the failure came after RecordMembership.
    registryItems('RegistryRemoveMembership', ['GetItem', 'DeleteItem'], context.registryTable),
  ],
  // The registry's items, by their `network#` / `function#` partitions only (infra/registry-grants.ts).
  // A join's claim checks the network's lock and record (ConditionCheckItem); an exclusive lock reads the claims
  // (Query) and is given back (DeleteItem) while a join is in flight (docs/joins.md).
  AcquireNetworkLock: (context) => [registryItems('RegistryTakeLocks', ['PutItem', 'GetItem', 'UpdateItem', 'ConditionCheckItem', 'Query', 'DeleteItem'], context.registryTable)],
  ReleaseNetworkLock: (context) => [registryItems('RegistryReleaseLocks', ['DeleteItem', 'UpdateItem'], context.registryTable)],
  RecordMembership: (context) => [
    registryItems('RegistryWriteMembership', ['GetItem', 'PutItem', 'DeleteItem', 'ConditionCheckItem'], context.registryTable),
    // The network's parameters for IaC and the egress IPs they hold (functions/network/egress-ips.ts).
    publishNetworkParameters(),
    ec2Describe('DescribeNatGateways', 'DescribeNetworkInterfaces', 'DescribeSubnets', 'DescribeAddresses'),
  ],
  // Teardown: the same undo engine as Rollback over the network's ledger; no function of the user's is touched.
  ValidateTeardown: (context) => [registryItems('RegistryReadNetwork', ['Query'], context.registryTable), ec2Describe('DescribeSecurityGroups'), listFunctions(), readFunctionAliases()],
  TeardownNetwork: (context) => [
    // A DependencyViolation during a pass is named (functions/teardown/refuse-blockers.ts): the same reads as ValidateTeardown's.
    ...undoEngineGrants(context.eniCleanupRoleArn, ['DescribeSecurityGroups', 'DescribeAddresses']),
    registryItems('RegistryTearDownNetwork', ['Query', 'UpdateItem', 'DeleteItem'], context.registryTable),
    listFunctions(),
    readFunctionAliases(),
  ],
  // Release (issue 15): the membership, the function's original VpcConfig, and its role as it was.
  ValidateRelease: (context) => [
    onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration'], context.scope?.targetFunctions),
    registryItems('RegistryReadMembership', ['GetItem', 'Query'], context.registryTable),
  ],
  RestoreFunction: (context) => [
    // Lambda lets only a caller that may describe the subnets, groups and VPC set a VpcConfig.
    ec2Describe('DescribeSubnets', 'DescribeSecurityGroups', 'DescribeVpcs'),
    onTargetFunctions('ReadTargetFunction', ['lambda:GetFunctionConfiguration'], context.scope?.targetFunctions),
    changeTargetFunctionVpcConfig('RestoreTargetFunctionVpcConfig', context.scope?.targetFunctions),
    listRolePolicies(),
    vpcAccessPolicyOnRoles(['iam:AttachRolePolicy'], context.scope?.targetRoles),
  ],
  RestoreRolePolicy: (context) => [
    ec2Describe('DescribeNetworkInterfaces'),
    listFunctions(),
    listRolePolicies(),
    vpcAccessPolicyOnRoles(['iam:DetachRolePolicy'], context.scope?.targetRoles),
    narrowEniPolicyOnRoles(['iam:DeleteRolePolicy'], context),
  ],
  RemoveMembership: (context) => [registryItems('RegistryRemoveMembership', ['GetItem', 'DeleteItem', 'Query'], context.registryTable)],
};

/** Every grant of a task, with the Deny on the product's own functions. */
export function taskGrants(task: TaskName, context: PermissionContext & { readonly productFunctionsArn: string }): Grant[] {
  const grants = [...TASK_PERMISSIONS[task](context), denyProductFunctions(context.productFunctionsArn)];
  const sids = grants.flatMap((grant) => grant.statements.map((statement) => statement.sid));
  const duplicate = sids.find((sid, index) => sid !== undefined && sids.indexOf(sid) !== index);
  if (duplicate) throw new Error(`TASK_PERMISSIONS.${task}: two statements share the Sid ${duplicate}; give each grant its own`);
  return grants;
}

function passProbeRole(probeRoleArn: string): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'PassProbeRole',
        actions: ['iam:PassRole'],
        resources: [probeRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      }),
    ],
    why: 'no wildcard',
  };
}
