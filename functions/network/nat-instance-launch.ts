import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { managedTags, type ManagedTagInput } from '../shared/tags';

/**
 * What a NAT instance of natGateways "instance" runs: its launch template's data. Pure, so the tests and
 * `lambda-egress plan` see exactly what EnsureNatGateway sends.
 *
 * - The image: Amazon Linux 2023 for arm64, named by its public SSM parameter in the launch template itself
 *   (`resolve:ssm:`), so EC2 resolves it at every launch and a replacement instance boots the current AMI
 *   (EC2 Auto Scaling User Guide, "Use AWS Systems Manager parameters instead of AMI IDs in launch templates":
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/using-systems-manager-parameters.html).
 * - Its only network interface is the network's fixed ENI of the AZ, as device 0 (EC2 Auto Scaling User Guide,
 *   "Examples for creating and managing launch templates with the AWS CLI", an existing network interface:
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/examples-launch-templates-aws-cli.html): the private
 *   route tables target that ENI, which outlives any instance, so a replacement keeps the route and its Elastic
 *   IP. This needs no instance role (the instance attaches nothing itself) and an Auto Scaling group of at most one.
 * - User data, as the Amazon VPC guide sets up a NAT AMI on AL2023
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html): IP forwarding on, and
 *   MASQUERADE of everything that leaves through the primary interface, kept across reboots.
 * - IMDSv2 only (HttpTokens required), no key pair, no public IP of its own (the ENI carries the Elastic IP).
 */
export const DEFAULT_NAT_INSTANCE_TYPE = 't4g.nano';
export const AL2023_ARM64_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

export const NAT_INSTANCE_USER_DATA = [
  '#!/bin/bash',
  'set -euo pipefail',
  'dnf install -y iptables-services',
  "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-lambda-egress-nat.conf",
  'sysctl --system',
  'primary=$(ip -4 route show default | awk \'{print $5; exit}\')',
  'iptables -t nat -A POSTROUTING -o "$primary" -j MASQUERADE',
  'iptables -F FORWARD',
  'service iptables save',
  'systemctl enable --now iptables',
  '',
].join('\n');

export function natInstanceLaunchData(input: { readonly instanceType: string; readonly networkInterfaceId: string; readonly tags: ManagedTagInput }): RequestLaunchTemplateData {
  const tags = managedTags(input.tags);
  return {
    ImageId: `resolve:ssm:${AL2023_ARM64_PARAMETER}`,
    InstanceType: input.instanceType as RequestLaunchTemplateData['InstanceType'],
    NetworkInterfaces: [{ DeviceIndex: 0, NetworkInterfaceId: input.networkInterfaceId, DeleteOnTermination: false }],
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
    UserData: Buffer.from(NAT_INSTANCE_USER_DATA, 'utf8').toString('base64'),
    // Instances and their volumes carry the network's tags from launch on.
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  };
}
