import { paginateDescribeInternetGateways, type EC2Client, type InternetGateway } from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';

/**
 * EnsureInternetGateway's find step (also `lambda-egress plan`'s and the audit's): the internet gateway attached
 * to the VPC (a VPC has at most one). An attachment that reads `detached` no longer counts
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InternetGatewayAttachment.html).
 */
export async function findAttachedInternetGateway(ec2: EC2Client, vpcId: string): Promise<InternetGateway | undefined> {
  const gateways = await allPages(paginateDescribeInternetGateways({ client: ec2 }, { Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }), (page) => page.InternetGateways);
  return gateways.find((igw) => igw.Attachments?.some((attachment) => attachment.VpcId === vpcId && attachment.State !== 'detached'));
}
