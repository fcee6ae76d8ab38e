import { autoScalingRequests, natInstanceEc2Requests } from './nat-instance-requests';
import type { RecordedCall } from './recorded-calls';
import { ssmRequests } from './ssm-requests';
import { ACCOUNT, ENI_CLEANUP_ROLE_ARN, PROBE_ROLE_ARN, REGION, REGISTRY_TABLE_ARN, type IamRequest } from './simulated-account';
import { alarmArn, ec2Params, listParam, requestTags, tagSpecificationTags, type TagHistory, type Tags } from './tag-history';

export { ACCOUNT, ENI_CLEANUP_ROLE_ARN, PROBE_ROLE_ARN, REGION, REGISTRY_TABLE_ARN, type IamRequest } from './simulated-account';

/** Resource type -> `arn:aws:ec2:<region>:<account>:<type>/<id>`. */
const ec2Arn = (type: string, id: string): string => `arn:aws:ec2:${REGION}:${ACCOUNT}:${type}/${id}`;
const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

function resourceTagContext(prefix: 'aws' | 'ec2', tags: Tags): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}:ResourceTag/${key}`, value]));
}

function requestTagContext(tags: Tags): Record<string, string | string[]> {
  const keys = Object.keys(tags);
  return keys.length === 0 ? {} : { ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])), 'aws:TagKeys': keys };
}

/** An existing EC2 resource, with the tags it has now. */
function onEc2(action: string, type: string, id: string | null | undefined, history: TagHistory, why: string, extra: Record<string, string | string[]> = {}): IamRequest {
  if (!id) throw new Error(`${action}: no ${type} id in the request`);
  const tags = history.tagsOf(id);
  return { action: `ec2:${action}`, resourceType: type, resource: ec2Arn(type, id), context: { ...resourceTagContext('aws', tags), ...resourceTagContext('ec2', tags), ...extra }, why };
}

/** The resource an EC2 create makes: not yet named, judged by the tags the request gives it. */
function newEc2(action: string, type: string, params: URLSearchParams, extra: Record<string, string | string[]> = {}): IamRequest[] {
  const tags = tagSpecificationTags(params);
  const create: IamRequest = { action: `ec2:${action}`, resourceType: type, resource: ec2Arn(type, '*'), context: { ...requestTagContext(tags), ...extra }, why: `the new ${type}` };
  if (Object.keys(tags).length === 0) return [create];
  // Tag-on-create: the tags of a create are also authorized as ec2:CreateTags with ec2:CreateAction.
  const tagging: IamRequest = {
    action: 'ec2:CreateTags',
    resourceType: type,
    resource: ec2Arn(type, '*'),
    context: { ...requestTagContext(tags), 'ec2:CreateAction': action },
    why: `tag-on-create of the new ${type} (TagSpecifications)`,
  };
  return [create, tagging];
}

/** Every authorization an EC2 call needs (Service Authorization Reference, Amazon EC2). */
function ec2Requests(call: RecordedCall, history: TagHistory): IamRequest[] {
  const params = ec2Params(call);
  const p = (name: string) => params.get(name);
  const a = call.action;
  const on = (type: string, id: string | null | undefined, why: string, extra?: Record<string, string | string[]>) => onEc2(a, type, id, history, why, extra);
  switch (a) {
    case 'DescribeVpcAttribute':
      return [on('vpc', p('VpcId'), 'the VPC whose attribute is read')];
    case 'CreateVpc':
      return newEc2(a, 'vpc', params);
    case 'ModifyVpcAttribute':
    case 'AssociateVpcCidrBlock':
      return [on('vpc', p('VpcId'), 'the VPC changed')];
    case 'CreateVpcBlockPublicAccessExclusion':
      return [...newEc2(a, 'vpc-block-public-access-exclusion', params), on('vpc', p('VpcId'), 'the VPC excluded')];
    case 'DeleteVpcBlockPublicAccessExclusion':
      return [on('vpc-block-public-access-exclusion', p('ExclusionId'), 'the exclusion deleted')];
    case 'CreateSubnet':
      return [...newEc2(a, 'subnet', params), on('vpc', p('VpcId'), 'the VPC the subnet is created in')];
    case 'CreateInternetGateway':
      return newEc2(a, 'internet-gateway', params);
    case 'AttachInternetGateway':
      return [on('internet-gateway', p('InternetGatewayId'), 'the gateway attached'), on('vpc', p('VpcId'), 'the VPC it is attached to')];
    case 'CreateEgressOnlyInternetGateway':
      return [...newEc2(a, 'egress-only-internet-gateway', params), on('vpc', p('VpcId'), 'the VPC the gateway is created in')];
    case 'CreateSecurityGroup':
      return [...newEc2(a, 'security-group', params), on('vpc', p('VpcId'), 'the VPC the group is created in')];
    case 'AuthorizeSecurityGroupEgress':
    case 'RevokeSecurityGroupEgress':
      return [on('security-group', p('GroupId'), 'the group changed')];
    case 'AllocateAddress':
      return newEc2(a, 'elastic-ip', params);
    case 'CreateNatGateway':
      if (p('AvailabilityMode') === 'regional') return [...newEc2(a, 'natgateway', params), on('vpc', p('VpcId'), 'the VPC the regional NAT is created in')];
      return [...newEc2(a, 'natgateway', params), on('subnet', p('SubnetId'), 'the subnet the NAT is created in'), on('elastic-ip', p('AllocationId'), 'the EIP the NAT uses')];
    case 'CreateRouteTable':
      return [...newEc2(a, 'route-table', params), on('vpc', p('VpcId'), 'the VPC the table is created in')];
    case 'AssociateRouteTable':
      return [on('route-table', p('RouteTableId'), 'the table associated'), on('subnet', p('SubnetId'), 'the subnet associated')];
    case 'CreateRoute':
    case 'DeleteRoute':
      return [on('route-table', p('RouteTableId'), 'the table the route is in')];
    case 'CreateTags':
    case 'DeleteTags': {
      const tags = requestTags(params, 'Tag');
      const keys = Object.keys(tags);
      const context = a === 'CreateTags' ? requestTagContext(tags) : keys.length ? { 'aws:TagKeys': keys } : {};
      return listParam(params, 'ResourceId').map((id) => on(typeOfId(id), id, `the resource ${a === 'CreateTags' ? 'tagged' : 'untagged'}`, context));
    }
    case 'CreateVpcEndpoint':
      return [
        ...newEc2(a, 'vpc-endpoint', params, { 'ec2:VpceServiceName': p('ServiceName') ?? '' }),
        on('vpc', p('VpcId'), 'the VPC the endpoint is created in'),
        ...listParam(params, 'RouteTableId').map((id) => on('route-table', id, 'a table the endpoint adds its route to')),
      ];
    case 'ModifyVpcEndpoint':
      return [on('vpc-endpoint', p('VpcEndpointId'), 'the endpoint changed'), ...listParam(params, 'AddRouteTableId').map((id) => on('route-table', id, 'a table added'))];
    case 'DeleteVpcEndpoints':
      return listParam(params, 'VpcEndpointId').map((id) => on('vpc-endpoint', id, 'the endpoint deleted'));
    case 'DisassociateRouteTable': {
      const association = history.association(p('AssociationId') ?? '');
      return [on('route-table', association.routeTableId, "the association's table"), on('subnet', association.subnetId, "the association's subnet")];
    }
    case 'DeleteRouteTable':
      return [on('route-table', p('RouteTableId'), 'the table deleted')];
    case 'DeleteNatGateway':
      return [on('natgateway', p('NatGatewayId'), 'the NAT deleted')];
    case 'ReleaseAddress':
      return [on('elastic-ip', p('AllocationId'), 'the EIP released')];
    case 'DetachInternetGateway':
      return [on('internet-gateway', p('InternetGatewayId'), 'the gateway detached'), on('vpc', p('VpcId'), 'the VPC it is detached from')];
    case 'DeleteInternetGateway':
      return [on('internet-gateway', p('InternetGatewayId'), 'the gateway deleted')];
    case 'DeleteEgressOnlyInternetGateway':
      return [on('egress-only-internet-gateway', p('EgressOnlyInternetGatewayId'), 'the gateway deleted')];
    case 'DeleteSecurityGroup':
      return [on('security-group', p('GroupId'), 'the group deleted')];
    case 'DeleteSubnet':
      return [on('subnet', p('SubnetId'), 'the subnet deleted')];
    case 'DeleteVpc':
      return [on('vpc', p('VpcId'), 'the VPC deleted')];
    case 'DeleteNetworkInterface': {
      // Authorized on the interface alone, with the ARNs of its subnet and VPC as condition keys (not resources).
      const placed = history.placement(p('NetworkInterfaceId') ?? '');
      return [on('network-interface', p('NetworkInterfaceId'), 'the detached Lambda ENI deleted', { 'ec2:Subnet': ec2Arn('subnet', placed.subnetId), 'ec2:Vpc': ec2Arn('vpc', placed.vpcId) })];
    }
    default: {
      const natInstance = natInstanceEc2Requests(a, params, on, (type, created) => newEc2(a, type, created));
      if (natInstance) return natInstance;
      if (/^Describe/.test(a)) return [{ action: `ec2:${a}`, resourceType: undefined, resource: '*', context: {}, why: 'a Describe call without resource-level permissions' }];
      throw new Error(`no IAM mapping for ec2:${a}: add it to test/infra/iam/iam-requests.ts`);
    }
  }
}

function typeOfId(id: string): string {
  const prefix = id.slice(0, id.indexOf('-'));
  const type = { vpc: 'vpc', subnet: 'subnet', rtb: 'route-table', igw: 'internet-gateway', sg: 'security-group', nat: 'natgateway', eipalloc: 'elastic-ip', eni: 'network-interface' }[prefix];
  if (!type) throw new Error(`no resource type known for ${id}`);
  return type;
}

/** The function a Lambda REST path names (by name or ARN, URL-encoded). */
function functionNameOf(call: RecordedCall): string {
  const path = decodeURIComponent(new URL(call.details.path, 'http://proxy').pathname);
  const segment = path.startsWith('/2017-03-31/tags/') ? path.slice('/2017-03-31/tags/'.length) : (path.split('/')[3] ?? '');
  return segment.startsWith('arn:') ? (segment.split(':')[6] ?? '') : segment;
}

/** Every authorization a Lambda call needs, including the ones its request or its reader imply. */
function lambdaRequests(call: RecordedCall, history: TagHistory): IamRequest[] {
  if (call.action === 'ListFunctions') return [{ action: 'lambda:ListFunctions', resourceType: undefined, resource: '*', context: {}, why: 'ListFunctions has no resource-level permissions' }];
  const body = call.details.requestBody ? (JSON.parse(call.details.requestBody) as Record<string, unknown>) : {};
  const name = call.action === 'CreateFunction' ? String(body.FunctionName) : functionNameOf(call);
  const tags = history.tagsOf(name);
  const on = (action: string, why: string, extra: Record<string, string | string[]> = {}): IamRequest => ({
    action,
    resourceType: 'function',
    resource: functionArn(name),
    context: { ...resourceTagContext('aws', tags), ...extra },
    why,
  });
  const requests: IamRequest[] = [];
  const action = call.action === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${call.action}`;
  const vpc = body.VpcConfig as { SubnetIds?: string[]; SecurityGroupIds?: string[] } | undefined;
  const vpcContext: Record<string, string[]> = vpc ? { 'lambda:SubnetIds': vpc.SubnetIds ?? [], 'lambda:SecurityGroupIds': vpc.SecurityGroupIds ?? [] } : {};
  const layerContext: Record<string, string[]> = Array.isArray(body.Layers) && body.Layers.length > 0 ? { 'lambda:Layer': body.Layers as string[] } : {};
  if (call.action === 'CreateFunction') {
    const requested = (body.Tags ?? {}) as Record<string, string>;
    requests.push({ ...on(action, 'the new function'), context: { ...requestTagContext(requested), ...vpcContext } });
    requests.push({ ...on('lambda:TagResource', 'CreateFunction with Tags is also authorized as TagResource'), context: requestTagContext(requested) });
  } else {
    requests.push(on(action, 'the function named', call.action === 'UpdateFunctionConfiguration' ? { ...vpcContext, ...layerContext } : {}));
  }
  // GetFunction's answer carries the Tags the code reads only if the caller may lambda:ListTags (Lambda API
  // reference, GetFunction): a requirement, not an allowance.
  if (call.action === 'GetFunction') requests.push(on('lambda:ListTags', 'GetFunction returns Tags (read by the ownership check) only to a caller allowed lambda:ListTags'));
  if (typeof body.Role === 'string') {
    requests.push({ action: 'iam:PassRole', resourceType: 'role', resource: PROBE_ROLE_ARN, context: { 'iam:PassedToService': 'lambda.amazonaws.com' }, why: `${call.action} passes the function's role` });
  }
  if ((vpc?.SubnetIds?.length ?? 0) > 0) {
    for (const describe of ['DescribeSubnets', 'DescribeSecurityGroups', 'DescribeVpcs']) {
      requests.push({ action: `ec2:${describe}`, resourceType: undefined, resource: '*', context: {}, why: `Lambda checks that a caller setting a VpcConfig may ec2:${describe}` });
    }
  }
  return requests;
}

/**
 * Every authorization a CloudWatch call needs (Service Authorization Reference, Amazon CloudWatch: each on the
 * `alarm` resource type, arn:aws:cloudwatch:<region>:<account>:alarm:<name>). The SDK speaks AWS JSON 1.0.
 */
function cloudWatchRequests(call: RecordedCall, history: TagHistory): IamRequest[] {
  const body = JSON.parse(call.details.requestBody || '{}') as {
    AlarmName?: string;
    AlarmNames?: string[];
    AlarmNamePrefix?: string;
    ResourceARN?: string;
    AlarmActions?: string[];
    Tags?: Array<{ Key: string; Value: string }>;
  };
  const on = (action: string, arn: string, why: string, extra: Record<string, string | string[]> = {}): IamRequest => ({
    action: `cloudwatch:${action}`,
    resourceType: 'alarm',
    resource: arn,
    context: { ...resourceTagContext('aws', history.tagsOf(arn)), ...extra },
    why,
  });
  switch (call.action) {
    case 'DescribeAlarms': {
      // A list call: judged on each alarm it names, or on the prefix it lists by.
      const named = body.AlarmNames?.length ? body.AlarmNames : [`${body.AlarmNamePrefix ?? ''}*`];
      return named.map((name) => ({ action: 'cloudwatch:DescribeAlarms', resourceType: 'alarm', resource: alarmArn(name), context: {}, why: 'the alarms listed' }));
    }
    case 'ListTagsForResource':
      // moto answers with ARNs of its own account: the simulation's is rebuilt from the alarm's name.
      return [on('ListTagsForResource', alarmArn((body.ResourceARN ?? '').split(':alarm:')[1] ?? ''), 'the alarm whose tags are read')];
    case 'PutMetricAlarm': {
      const tags = Object.fromEntries((body.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
      const actions: Record<string, string[]> = body.AlarmActions?.length ? { 'cloudwatch:AlarmActions': body.AlarmActions } : {};
      const arn = alarmArn(body.AlarmName ?? '');
      const requests = [{ ...on('PutMetricAlarm', arn, 'the new alarm'), context: { ...requestTagContext(tags), ...actions } }];
      // PutMetricAlarm with Tags is also authorized as cloudwatch:TagResource (CloudWatch API reference, PutMetricAlarm).
      if (Object.keys(tags).length > 0) requests.push({ ...on('TagResource', arn, 'PutMetricAlarm with Tags'), context: requestTagContext(tags) });
      return requests;
    }
    case 'DeleteAlarms':
      return (body.AlarmNames ?? []).map((name) => on('DeleteAlarms', alarmArn(name), 'the alarm deleted'));
    default:
      throw new Error(`no IAM mapping for cloudwatch:${call.action}: add it to test/infra/iam/iam-requests.ts`);
  }
}

function iamRequests(call: RecordedCall): IamRequest[] {
  const params = ec2Params(call);
  const role = `arn:aws:iam::${ACCOUNT}:role/${params.get('RoleName') ?? ''}`;
  const policy = params.get('PolicyArn');
  return [{ action: `iam:${call.action}`, resourceType: 'role', resource: role, context: policy ? { 'iam:PolicyARN': policy } : {}, why: 'the role named' }];
}

type AttributeMap = Record<string, { S?: string } | undefined>;

/**
 * The registry's item calls, authorized on the table with dynamodb:LeadingKeys = the partition key of each item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html); each item of a
 * TransactWriteItems is authorized as the PutItem/UpdateItem/DeleteItem/ConditionCheckItem it stands for
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
function dynamodbRequests(call: RecordedCall): IamRequest[] {
  const body = call.details.requestBody ? (JSON.parse(call.details.requestBody) as Record<string, unknown>) : {};
  const onItem = (action: string, key: AttributeMap | undefined, why: string): IamRequest => {
    const leading = key?.pk?.S;
    if (!leading) throw new Error(`${call.action}: no partition key (pk) in the request`);
    return { action: `dynamodb:${action}`, resourceType: 'table', resource: REGISTRY_TABLE_ARN, context: { 'dynamodb:LeadingKeys': [leading] }, why };
  };
  if (call.action === 'TransactWriteItems') {
    const items = (body.TransactItems ?? []) as Array<Record<string, { Item?: AttributeMap; Key?: AttributeMap }>>;
    return items.flatMap((item) =>
      Object.entries(item).map(([kind, part]) => onItem(kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`, part.Item ?? part.Key, `the ${kind} of a TransactWriteItems`)),
    );
  }
  if (call.action === 'PutItem') return [onItem('PutItem', body.Item as AttributeMap, 'the item written')];
  if (['GetItem', 'UpdateItem', 'DeleteItem'].includes(call.action)) return [onItem(call.action, body.Key as AttributeMap, 'the item named')];
  // A Query of one partition (`#pk = :pk`): its LeadingKeys are that partition key.
  if (call.action === 'Query') return [onItem('Query', { pk: (body.ExpressionAttributeValues as AttributeMap | undefined)?.[':pk'] }, 'the partition queried')];
  throw new Error(`no IAM mapping for dynamodb:${call.action}`);
}

/** Every IAM authorization one recorded call needs, with its resources' tags as they were when it was made. */
export function iamRequestsOf(call: RecordedCall, history: TagHistory): IamRequest[] {
  if (call.service === 'dynamodb') return dynamodbRequests(call);
  if (call.service === 'ec2') return ec2Requests(call, history);
  if (call.service === 'monitoring') return cloudWatchRequests(call, history);
  if (call.service === 'lambda') return lambdaRequests(call, history);
  if (call.service === 'iam') return iamRequests(call);
  // The only role the workflow assumes is the ENI cleanup role (moto's ARN is of its own account).
  if (call.service === 'sts' && call.action === 'AssumeRole') return [{ action: 'sts:AssumeRole', resourceType: 'role', resource: ENI_CLEANUP_ROLE_ARN, context: {}, why: 'the ENI cleanup role assumed' }];
  if (call.service === 'autoscaling') return autoScalingRequests(call, history);
  if (call.service === 'servicequotas') return serviceQuotasRequests(call);
  if (call.service === 'ssm') return ssmRequests(call);
  throw new Error(`no IAM mapping for ${call.service}:${call.action}`);
}

/** GetServiceQuota authorizes on the quota it names (Service Authorization Reference, Service Quotas: resource type `quota`). */
function serviceQuotasRequests(call: RecordedCall): IamRequest[] {
  if (call.action !== 'GetServiceQuota') throw new Error(`no IAM mapping for servicequotas:${call.action}`);
  const body = JSON.parse(call.details.requestBody || '{}') as { ServiceCode?: string; QuotaCode?: string };
  return [{ action: 'servicequotas:GetServiceQuota', resourceType: 'quota', resource: `arn:aws:servicequotas:${REGION}:${ACCOUNT}:${body.ServiceCode ?? ''}/${body.QuotaCode ?? ''}`, context: {}, why: 'the quota read' }];
}
