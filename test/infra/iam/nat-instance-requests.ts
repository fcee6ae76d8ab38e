import { AL2023_ARM64_PARAMETER } from '../../../functions/network/nat-instance-launch';
import type { RecordedCall } from './recorded-calls';
import { ec2Params, requestTags, type TagHistory, type Tags } from './tag-history';

/**
 * The authorizations of natGateways "instance" (functions/network/ensure-nat-instance.ts and
 * functions/undo/undo-nat-instance.ts): the EC2 calls of the ENI and launch template (Service Authorization
 * Reference, Amazon EC2), and the Auto Scaling calls, with what CreateAutoScalingGroup is also authorized as
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-api-permissions.html): ec2:RunInstances
 * with the launch template on everything the launch uses, ec2:CreateTags of the launch's tags, and
 * iam:CreateServiceLinkedRole for Auto Scaling's role.
 */
export interface Authorization {
  readonly action: string;
  readonly resourceType: string | undefined;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly why: string;
}

type On = (type: string, id: string | null | undefined, why: string, extra?: Record<string, string | string[]>) => Authorization;
type New = (type: string, params: URLSearchParams) => Authorization[];

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ec2Arn = (type: string, id: string): string => `arn:aws:ec2:${REGION}:${ACCOUNT}:${type}/${id}`;
const groupArn = (name: string): string => `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${name}`;

const resourceTags = (tags: Tags): Record<string, string> => Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
const requestTagContext = (tags: Tags): Record<string, string | string[]> =>
  Object.keys(tags).length === 0 ? {} : { ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])), 'aws:TagKeys': Object.keys(tags) };

/** The EC2 calls only NAT instances make; undefined for any other action. */
export function natInstanceEc2Requests(action: string, params: URLSearchParams, on: On, create: New): Authorization[] | undefined {
  const p = (name: string) => params.get(name);
  switch (action) {
    case 'AuthorizeSecurityGroupIngress':
      return [on('security-group', p('GroupId'), 'the group changed')];
    case 'CreateNetworkInterface':
      return [...create('network-interface', params), on('subnet', p('SubnetId'), 'the subnet the ENI is created in'), on('security-group', p('SecurityGroupId.1'), 'the group the ENI is in')];
    case 'ModifyNetworkInterfaceAttribute':
      return [on('network-interface', p('NetworkInterfaceId'), 'the ENI changed')];
    case 'AssociateAddress':
      return [on('elastic-ip', p('AllocationId'), 'the EIP associated'), on('network-interface', p('NetworkInterfaceId'), 'the ENI it is associated with')];
    case 'CreateLaunchTemplate':
      return [
        ...create('launch-template', params),
        // The simulator parses no ARN without an account (how AWS writes a public parameter's): the account's form.
        { action: 'ssm:GetParameters', resourceType: 'parameter', resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${AL2023_ARM64_PARAMETER}`, context: {}, why: 'EC2 resolves the resolve:ssm: image with the caller\'s rights' },
      ];
    case 'DeleteLaunchTemplate':
      return [on('launch-template', p('LaunchTemplateId'), 'the launch template deleted')];
    case 'DeleteNetworkInterface':
      return [on('network-interface', p('NetworkInterfaceId'), 'the ENI deleted')];
    default:
      return undefined;
  }
}

export function autoScalingRequests(call: RecordedCall, history: TagHistory): Authorization[] {
  const params = ec2Params(call);
  const name = params.get('AutoScalingGroupName') ?? '';
  switch (call.action) {
    case 'DescribeAutoScalingGroups':
      return [{ action: 'autoscaling:DescribeAutoScalingGroups', resourceType: undefined, resource: '*', context: {}, why: 'a Describe call without resource-level permissions' }];
    case 'DeleteAutoScalingGroup':
      return [{ action: 'autoscaling:DeleteAutoScalingGroup', resourceType: 'autoScalingGroup', resource: groupArn(name), context: resourceTags(history.tagsOf(name)), why: 'the group deleted' }];
    case 'CreateAutoScalingGroup':
      return createGroupRequests(params, name, history);
    default:
      throw new Error(`no IAM mapping for autoscaling:${call.action}: add it to test/infra/iam/nat-instance-requests.ts`);
  }
}

function createGroupRequests(params: URLSearchParams, name: string, history: TagHistory): Authorization[] {
  const templateId = params.get('LaunchTemplate.LaunchTemplateId') ?? '';
  const template = history.createRequestOf(templateId);
  const eniId = template.get('LaunchTemplateData.NetworkInterface.1.NetworkInterfaceId') ?? '';
  const groupId = history.createRequestOf(eniId).get('SecurityGroupId.1') ?? '';
  const launchTags = requestTags(template, 'LaunchTemplateData.TagSpecification.1.Tag');
  const run = (type: string, resource: string, context: Record<string, string | string[]>, why: string): Authorization => ({ action: 'ec2:RunInstances', resourceType: type, resource, context, why: `CreateAutoScalingGroup checks the caller may launch: ${why}` });
  const existing = (type: string, id: string, why: string) => run(type, ec2Arn(type, id), resourceTags(history.tagsOf(id)), why);
  return [
    { action: 'autoscaling:CreateAutoScalingGroup', resourceType: 'autoScalingGroup', resource: groupArn(name), context: requestTagContext(requestTags(params, 'Tags.member')), why: 'the new group' },
    existing('launch-template', templateId, 'the launch template'),
    existing('network-interface', eniId, "the template's network interface"),
    existing('security-group', groupId, "the network interface's group"),
    ...(params.get('VPCZoneIdentifier') ?? '').split(',').map((subnetId) => run('subnet', ec2Arn('subnet', subnetId), {}, 'the subnet')),
    run('image', `arn:aws:ec2:${REGION}::image/ami-0al2023`, { 'ec2:Owner': 'amazon' }, 'the Amazon Linux 2023 image'),
    run('instance', ec2Arn('instance', '*'), requestTagContext(launchTags), 'the new instance'),
    run('volume', ec2Arn('volume', '*'), requestTagContext(launchTags), 'its root volume'),
    ...['instance', 'volume'].map((type): Authorization => ({
      action: 'ec2:CreateTags',
      resourceType: type,
      resource: ec2Arn(type, '*'),
      context: { ...requestTagContext(launchTags), 'ec2:CreateAction': 'RunInstances' },
      why: `the launch template's tags on the new ${type}`,
    })),
    {
      action: 'iam:CreateServiceLinkedRole',
      resourceType: 'role',
      resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      context: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' },
      why: "Auto Scaling's service-linked role, created with the first group of an account",
    },
  ];
}
