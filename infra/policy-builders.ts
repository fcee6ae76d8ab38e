import { Aws } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { TAG_ADDED_ROUTES, TAG_MANAGED } from '../functions/shared/tags';
import type { TargetFunctions, TargetRoles } from '../functions/shared/target-scope';
import { eniCleanupRoleStatements } from '../functions/undo/eni-cleanup-role-policy';

/**
 * The building blocks of the task roles. Each returns statements plus the reason any wildcard in them is
 * needed: the reason becomes the cdk-nag acknowledgement on the role, next to the statement it explains.
 */
export interface Grant {
  readonly statements: PolicyStatement[];
  /** Why the wildcard resources of these statements cannot be narrower (cdk-nag AwsSolutions-IAM5). */
  readonly why: string;
}

/** The condition every destructive or modifying EC2 statement carries: only what lambda-egress created. */
export const MANAGED_RESOURCE_CONDITION = { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } } as const;
/** The condition on every EC2 create: the new resource must be tagged as lambda-egress's in the same call. */
export const MANAGED_REQUEST_CONDITION = { StringEquals: { [`aws:RequestTag/${TAG_MANAGED}`]: 'true' } } as const;

/** EC2 resource types as they appear in ARNs (`arn:aws:ec2:<region>:<account>:<type>/<id>`). */
type Ec2ResourceType =
  | 'vpc'
  | 'subnet'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'elastic-ip'
  | 'natgateway'
  | 'route-table'
  | 'security-group'
  | 'security-group-rule'
  | 'vpc-endpoint'
  // natGateways "instance" (infra/nat-instance-grants.ts)
  | 'network-interface'
  | 'launch-template'
  | 'instance'
  | 'volume'
  // network.blockPublicAccessExclusion (functions/network/ensure-bpa-exclusion.ts)
  | 'vpc-block-public-access-exclusion';

/** `arn:<partition>:ec2:<region>:<account>:<type>/*` — every resource of one type in this account and region. */
export function ec2Arn(type: Ec2ResourceType): string {
  return `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${type}/*`;
}

export function lambdaFunctionArn(namePattern: string): string {
  return `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${namePattern}`;
}

export function iamRoleArn(namePattern: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${namePattern}`;
}

/** The AWS managed policy AttachFunction attaches and DetachVpcAccessPolicy/Rollback detach, in this partition. */
const VPC_ACCESS_POLICY_ARN = `arn:${Aws.PARTITION}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`;

const ec2 = (action: string): string => `ec2:${action}`;

/** Read-only Describe calls: EC2 offers no resource-level permissions for them, so the resource is `*`. */
export function ec2Describe(...actions: string[]): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'Ec2Describe', actions: actions.map(ec2), resources: ['*'] })],
    why: 'EC2 Describe* calls are read-only and support no resource-level permissions (Resource must be *)',
  };
}

/** Read-only calls that authorize on a resource (DescribeVpcAttribute on the VPC) of any owner: nothing changes. */
export function ec2ReadAny(sid: string, actions: string[], types: Ec2ResourceType[]): Grant {
  return {
    statements: [new PolicyStatement({ sid, actions: actions.map(ec2), resources: types.map(ec2Arn) })],
    why: `${actions.join(', ')} read only, and authorize on the ${types.join('/')}, which may be the user's (existing-VPC mode)`,
  };
}

/**
 * A create call: the new resource (`creates`) only with the managed tag in the request (tag-on-create), the
 * resources it is created in or refers to (`in`) as they are (in existing-VPC mode they are not lambda-egress's).
 * `inManaged` lists referenced resources that must themselves be lambda-egress's.
 */
export function ec2Create(
  action: string,
  creates: Ec2ResourceType,
  refs: { readonly in?: Ec2ResourceType[]; readonly inManaged?: Ec2ResourceType[]; readonly newOnly?: Record<string, string> } = {},
): Grant {
  const sid = `${action}`;
  const newConditions = { StringEquals: { ...MANAGED_REQUEST_CONDITION.StringEquals, ...refs.newOnly } };
  const statements = [new PolicyStatement({ sid: `${sid}New`, actions: [ec2(action)], resources: [ec2Arn(creates)], conditions: newConditions })];
  if (refs.in?.length) statements.push(new PolicyStatement({ sid: `${sid}In`, actions: [ec2(action)], resources: refs.in.map(ec2Arn) }));
  if (refs.inManaged?.length) {
    statements.push(
      new PolicyStatement({ sid: `${sid}InManaged`, actions: [ec2(action)], resources: refs.inManaged.map(ec2Arn), conditions: MANAGED_RESOURCE_CONDITION }),
    );
  }
  return {
    statements,
    why: `${action} names its new resource only after creation: the new one is limited by aws:RequestTag/${TAG_MANAGED}=true, and the ${[...(refs.in ?? []), ...(refs.inManaged ?? [])].join('/') || 'other'} it is created in may be any the request names (existing-VPC mode)`,
  };
}

/** Calls that change or delete resources: only those tagged `lambda-egress:managed=true`. */
export function ec2OnManaged(sid: string, actions: string[], types: Ec2ResourceType[]): Grant {
  return {
    statements: [new PolicyStatement({ sid, actions: actions.map(ec2), resources: types.map(ec2Arn), conditions: MANAGED_RESOURCE_CONDITION })],
    why: `${actions.join(', ')} are limited by aws:ResourceTag/${TAG_MANAGED}=true to resources lambda-egress created; their ids are known only at run time`,
  };
}

/**
 * Calls that add to a resource lambda-egress may not own (a route in an existing route table, a subnet's
 * association): allowed on that resource type, while the lambda-egress side of the call (`managed`) must be
 * tagged. Never used for Delete/Release/Detach/Disassociate/Replace.
 */
export function ec2AddTo(sid: string, action: string, target: Ec2ResourceType[], managed: Ec2ResourceType[]): Grant {
  if (/^(Delete|Release|Detach|Disassociate|Replace)/.test(action)) {
    throw new Error(`ec2AddTo(${action}): destructive EC2 actions are granted only on managed resources (ec2OnManaged)`);
  }
  const statements = [new PolicyStatement({ sid: `${sid}Target`, actions: [ec2(action)], resources: target.map(ec2Arn) })];
  if (managed.length) {
    statements.push(new PolicyStatement({ sid: `${sid}Managed`, actions: [ec2(action)], resources: managed.map(ec2Arn), conditions: MANAGED_RESOURCE_CONDITION }));
  }
  return {
    statements,
    why: `${action} adds to a ${target.join('/')} that may exist before lambda-egress (existing-VPC mode); the ${managed.join('/') || 'resource'} it adds must carry ${TAG_MANAGED}=true`,
  };
}

/** ec2:CreateTags only as part of the named create calls (tag-on-create), never on an existing resource. */
export function ec2TagOnCreate(createActions: string[]): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'Ec2TagOnCreate',
        actions: ['ec2:CreateTags'],
        resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:*/*`],
        conditions: { StringEquals: { 'ec2:CreateAction': createActions, [`aws:RequestTag/${TAG_MANAGED}`]: 'true' } },
      }),
    ],
    why: 'ec2:CreateTags is allowed only inside the listed create calls (ec2:CreateAction) and only with the managed tag, so no existing resource can be tagged',
  };
}

/**
 * iam:AttachRolePolicy / DetachRolePolicy, only for AWSLambdaVPCAccessExecutionRole, on any role or (the stack's
 * targetRoles) only on roles matching its patterns.
 */
export function vpcAccessPolicyOnRoles(actions: Array<'iam:AttachRolePolicy' | 'iam:DetachRolePolicy'>, roles?: TargetRoles): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'VpcAccessPolicyOnly',
        actions,
        resources: (roles?.namePatterns ?? ['*']).map(iamRoleArn),
        conditions: { ArnEquals: { 'iam:PolicyARN': VPC_ACCESS_POLICY_ARN } },
      }),
    ],
    why: `the target function's execution role is chosen at run time${roles ? ' (within the stack\'s targetRoles)' : ''}; iam:PolicyARN limits the call to AWSLambdaVPCAccessExecutionRole`,
  };
}

export function listRolePolicies(): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'ListAttachedRolePolicies', actions: ['iam:ListAttachedRolePolicies'], resources: [iamRoleArn('*')] })],
    why: "read-only: the target function's execution role is chosen at run time",
  };
}

/**
 * Lambda calls on the function named in the request: any function of the account and region but the product's
 * own, or only those in the stack's scope (`scope`): ARNs from its name patterns, and `aws:ResourceTag` for its
 * required tag (the function resource type takes aws:ResourceTag, Service Authorization Reference, AWS Lambda:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
 */
export function onTargetFunctions(sid: string, actions: string[], scope?: TargetFunctions, conditions: Record<string, Record<string, string>> = {}): Grant {
  const tag = scope?.requiredTag;
  const all = tag ? { ...conditions, StringEquals: { ...conditions.StringEquals, [`aws:ResourceTag/${tag.key}`]: tag.value } } : conditions;
  const patterns = scope?.namePatterns ?? ['*'];
  return {
    statements: [new PolicyStatement({ sid, actions, resources: patterns.map(lambdaFunctionArn), ...(Object.keys(all).length ? { conditions: all } : {}) })],
    why: `the target function is chosen at run time (the request's functionName)${scope ? ", within the stack's targetFunctions" : ''}; the product's own functions are excluded by an explicit Deny`,
  };
}

/** The explicit Deny that keeps every task away from the product's own functions. */
export function denyProductFunctions(productFunctionsArn: string): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'DenyChangingProductFunctions',
        effect: Effect.DENY,
        actions: ['lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionCode', 'lambda:DeleteFunction'],
        resources: [productFunctionsArn],
      }),
    ],
    why: 'a Deny widens nothing',
  };
}

export function listFunctions(): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'ListFunctions', actions: ['lambda:ListFunctions'], resources: ['*'] })],
    why: 'lambda:ListFunctions supports no resource-level permissions (Resource must be *); read-only',
  };
}

/**
 * UpdateFunctionConfiguration on the target function, for its VpcConfig only: the tasks never send Layers, and
 * `lambda:Layer` is present exactly when a request sets layers (Service Authorization Reference, AWS Lambda:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
 */
export function changeTargetFunctionVpcConfig(sid: string, scope?: TargetFunctions): Grant {
  return onTargetFunctions(sid, ['lambda:UpdateFunctionConfiguration'], scope, { Null: { 'lambda:Layer': 'true' } });
}

/**
 * The mark on a user's route table (TAG_ADDED_ROUTES): set by EnsureRouteTables just before it adds a route
 * there, rewritten or removed by Rollback once that route is gone. `aws:TagKeys` limits the calls to that one
 * key, and the Null check refuses a request without tag keys (DeleteTags without Tags would remove every tag;
 * ForAllValues alone is true for an empty set).
 */
export function markUserRouteTables(sid: string, actions: Array<'ec2:CreateTags' | 'ec2:DeleteTags'>, onlyMarked: boolean): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid,
        actions,
        resources: [ec2Arn('route-table')],
        conditions: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_ADDED_ROUTES] },
          Null: { 'aws:TagKeys': 'false', ...(onlyMarked ? { [`aws:ResourceTag/${TAG_ADDED_ROUTES}`]: 'false' } : {}) },
        },
      }),
    ],
    why: `the route tables a user owns are chosen at run time (existing-VPC mode); aws:TagKeys limits the call to the ${TAG_ADDED_ROUTES} tag`,
  };
}

/**
 * A route call in route tables lambda-egress did not create, only where it marked the routes it adds there
 * (existing-VPC mode): CreateRoute and DeleteRoute authorize on the route table only.
 */
export function onMarkedRouteTables(sid: string, action: 'CreateRoute' | 'DeleteRoute', why: string): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid,
        actions: [ec2(action)],
        resources: [ec2Arn('route-table')],
        conditions: { Null: { [`aws:ResourceTag/${TAG_ADDED_ROUTES}`]: 'false' } },
      }),
    ],
    why,
  };
}

/**
 * The second resource a destructive call on a lambda-egress resource authorizes against (DetachInternetGateway:
 * the VPC; DisassociateRouteTable: the subnet). In existing-VPC mode that one is the user's, untagged; the call
 * still needs the managed statement on its first resource, so nothing of the user's alone can be changed.
 */
export function alongsideManaged(sid: string, action: string, types: Ec2ResourceType[]): Grant {
  return {
    statements: [new PolicyStatement({ sid, actions: [ec2(action)], resources: types.map(ec2Arn) })],
    why: `${action} also authorizes against the ${types.join('/')}, which may be the user's (existing-VPC mode); the managed resource it acts on is limited by ${TAG_MANAGED}=true in another statement`,
  };
}

/**
 * ec2:DeleteNetworkInterface for the detached Lambda Hyperplane ENIs (`AWS Lambda VPC ENI-*`) left in a
 * network's own subnets, which block the subnets' and the security group's deletion: the only permission of the
 * ENI cleanup role (infra/eni-cleanup-role.ts), never of a task role. Lambda creates those ENIs untagged, and
 * the Service Authorization Reference lists, for DeleteNetworkInterface, only the interface's own tags and
 * ARN-valued location keys (ec2:Subnet, ec2:Vpc), while the subnet ids exist only at run time: the session
 * policy Rollback and TeardownNetwork pass when they assume the role narrows it to the network's subnets
 * (functions/undo/eni-cleanup-session.ts; infra/README.md, `ec2:DeleteNetworkInterface`).
 */
export function deleteLambdaNetworkInterfaces(): Grant {
  return {
    // The same statements local mode gives its role (functions/undo/eni-cleanup-role-policy.ts).
    statements: eniCleanupRoleStatements({ partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID }).map((statement) => PolicyStatement.fromJson(statement)),
    why: "Lambda's ENIs carry no tags and their subnets exist only at run time: each session of this role is narrowed by a session policy to the network's own subnets (ec2:Subnet)",
  };
}

/**
 * The catalog API's caller check (functions/api/caller-check.ts): IAM's policy simulator over the caller's own
 * identity policies, and GetRole for the role (with its path) behind an assumed-role session. Read-only.
 */
export function simulateCallerPolicies(): Grant {
  return {
    statements: [
      new PolicyStatement({ sid: 'SimulateCallerPolicies', actions: ['iam:SimulatePrincipalPolicy'], resources: [iamRoleArn('*'), `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:user/*`] }),
      new PolicyStatement({ sid: 'FindCallerRole', actions: ['iam:GetRole'], resources: [iamRoleArn('*')] }),
    ],
    why: "the API's caller (a user or role of this account) is known only at run time; the simulation and GetRole are read-only",
  };
}
