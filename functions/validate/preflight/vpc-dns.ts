import { DescribeVpcAttributeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../../shared/errors';

/**
 * An existing VPC must resolve DNS through the Amazon DNS server (enableDnsSupport), or the function reaches no
 * host by name, whatever the routes (Amazon VPC User Guide, "DNS attributes for your VPC":
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html). lambda-egress does not change a VPC it did
 * not create, so the request is refused with the command that turns it on. Host names (enableDnsHostnames)
 * are not needed for egress and are left alone.
 */
export async function checkExistingVpcDns(ec2: EC2Client, vpcId: string): Promise<void> {
  const answer = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }));
  if (answer.EnableDnsSupport?.Value !== false) return;
  throw new InvalidRequest(
    'network.vpcId',
    `${vpcId} has DNS resolution turned off (enableDnsSupport false): a function in it could not resolve any host name, so its egress would fail at the first lookup, and lambda-egress does not change a VPC it did not create. Turn it on (aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-support "{\\"Value\\":true}", or the console: VPC > Your VPCs > Actions > Edit VPC settings > Enable DNS resolution), then run again`,
    { enableDnsSupport: false },
  );
}
