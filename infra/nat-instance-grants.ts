import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AL2023_ARM64_PARAMETER } from '../functions/network/nat-instance-launch';
import { TAG_MANAGED } from '../functions/shared/tags';
import { ec2Arn, MANAGED_REQUEST_CONDITION, MANAGED_RESOURCE_CONDITION, type Grant } from './policy-builders';

/**
 * natGateways "instance" (functions/network/ensure-nat-instance.ts, functions/undo/undo-nat-instance.ts): what
 * EnsureNatGateway and Rollback need beyond EC2's network calls, each as narrow as AWS allows.
 */

/** Auto Scaling groups of lambda-egress's NAT instances, `lambda-egress-<network>-nat-instance-<az>`. */
const NAT_GROUPS_ARN = `arn:${Aws.PARTITION}:autoscaling:${Aws.REGION}:${Aws.ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/lambda-egress-*`;

/**
 * CreateAutoScalingGroup from the NAT instance's launch template. EC2 Auto Scaling checks that the caller may
 * itself do what the group will do at launch (EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling API
 * permissions": https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-api-permissions.html):
 * ec2:RunInstances with the launch template, ec2:CreateTags for its instance and volume tags, and
 * iam:CreateServiceLinkedRole for AWSServiceRoleForAutoScaling the first time in an account. No iam:PassRole:
 * the template names no instance profile.
 */
export function createNatInstanceGroups(): Grant {
  return {
    statements: [
      new PolicyStatement({ sid: 'CreateNatInstanceGroups', actions: ['autoscaling:CreateAutoScalingGroup'], resources: [NAT_GROUPS_ARN], conditions: MANAGED_REQUEST_CONDITION }),
      new PolicyStatement({ sid: 'DescribeNatInstanceGroups', actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
      // RunInstances (as the group checks it): new instances and volumes only tagged as lambda-egress's ...
      new PolicyStatement({ sid: 'RunNatInstancesNew', actions: ['ec2:RunInstances'], resources: [ec2Arn('instance'), ec2Arn('volume')], conditions: MANAGED_REQUEST_CONDITION }),
      // ... from lambda-egress's launch template, on its fixed ENI and group ...
      new PolicyStatement({ sid: 'RunNatInstancesManaged', actions: ['ec2:RunInstances'], resources: [ec2Arn('launch-template'), ec2Arn('network-interface'), ec2Arn('security-group')], conditions: MANAGED_RESOURCE_CONDITION }),
      // ... in the network's public subnet (a user's in existing-VPC mode), from an Amazon-owned image (the AL2023 AMI).
      new PolicyStatement({ sid: 'RunNatInstancesIn', actions: ['ec2:RunInstances'], resources: [ec2Arn('subnet')] }),
      new PolicyStatement({ sid: 'RunNatInstancesImage', actions: ['ec2:RunInstances'], resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}::image/*`], conditions: { StringEquals: { 'ec2:Owner': 'amazon' } } }),
      new PolicyStatement({
        sid: 'TagNatInstancesAtLaunch',
        actions: ['ec2:CreateTags'],
        resources: [ec2Arn('instance'), ec2Arn('volume')],
        conditions: { StringEquals: { 'ec2:CreateAction': ['RunInstances'], [`aws:RequestTag/${TAG_MANAGED}`]: 'true' } },
      }),
      new PolicyStatement({
        sid: 'AutoScalingServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`],
        conditions: { StringEquals: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } },
      }),
      // The launch template names its image by the public AL2023 parameter: EC2 reads it with the caller's
      // rights (Amazon EC2 User Guide, "Use a Systems Manager parameter instead of an AMI ID"). AWS writes a public
      // parameter's ARN without an account; the form with this account's id is named too.
      new PolicyStatement({
        sid: 'ReadAl2023Parameter',
        actions: ['ssm:GetParameters'],
        resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}::parameter${AL2023_ARM64_PARAMETER}`, `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${AL2023_ARM64_PARAMETER}`],
      }),
    ],
    why: `Auto Scaling group and instance ids exist only after creation: new ones must carry aws:RequestTag/${TAG_MANAGED}=true, the launch template, ENI and group they use ${TAG_MANAGED}=true; the subnet may be a user's (existing-VPC mode); images only Amazon's; DescribeAutoScalingGroups supports no resource-level permissions`,
  };
}

/** Rollback: ForceDelete of lambda-egress's NAT instance groups only (their instance goes with them). */
export function deleteNatInstanceGroups(): Grant {
  return {
    statements: [
      new PolicyStatement({ sid: 'DeleteNatInstanceGroups', actions: ['autoscaling:DeleteAutoScalingGroup'], resources: [NAT_GROUPS_ARN], conditions: MANAGED_RESOURCE_CONDITION }),
      new PolicyStatement({ sid: 'DescribeNatInstanceGroups', actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
    ],
    why: `Auto Scaling groups are named at run time, per network and AZ; aws:ResourceTag/${TAG_MANAGED}=true limits the deletion to lambda-egress's; DescribeAutoScalingGroups supports no resource-level permissions`,
  };
}

/**
 * CheckNatGateways: a NAT instance is ready once its Auto Scaling group has it InService and it passes EC2's
 * status checks (functions/network/nat-instance-readiness.ts). Both Describes support no resource-level
 * permissions (Service Authorization Reference: autoscaling:DescribeAutoScalingGroups, ec2:DescribeInstanceStatus).
 */
export function readNatInstanceReadiness(): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'ReadNatInstanceReadiness', actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstanceStatus'], resources: ['*'] })],
    why: 'DescribeAutoScalingGroups and DescribeInstanceStatus support no resource-level permissions; read-only',
  };
}
