import { paginateDescribeVpcEndpoints, type EC2Client, type VpcEndpoint } from '@aws-sdk/client-ec2';
import { allPages } from '../shared/paginate';
import { s3GatewayServiceName } from '../shared/partition-names';
import { createdBy } from '../shared/tags';
import { isGone, isOfNetwork } from './network-lookup';

/** The S3 gateway endpoint's service name in the client's region and its partition (cn.com.amazonaws... in China). */
export async function s3ServiceName(ec2: EC2Client): Promise<string> {
  return s3GatewayServiceName(ec2);
}

/**
 * EnsureS3Endpoint's find step (also `lambda-egress plan`'s): a gateway endpoint for S3 in the VPC, whoever
 * created it (it is reused either way); this execution's first, then this network's, then by id. moto leaves the
 * type unset when it was not given; AWS's default is Gateway.
 */
export async function findS3Endpoint(ec2: EC2Client, vpcId: string, serviceName: string, networkName: string, executionId: string): Promise<VpcEndpoint | undefined> {
  const endpoints = await allPages(
    paginateDescribeVpcEndpoints(
      { client: ec2 },
      {
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'service-name', Values: [serviceName] },
        ],
      },
    ),
    (page) => page.VpcEndpoints,
  );
  const candidates = endpoints.filter((endpoint) => endpoint.VpcId === vpcId && (endpoint.VpcEndpointType ?? 'Gateway') === 'Gateway' && !isGone(endpoint.State));
  const rank = (endpoint: VpcEndpoint) => (createdBy(endpoint.Tags, executionId) ? 0 : isOfNetwork(endpoint.Tags, networkName) ? 1 : 2);
  return candidates.sort((a, b) => rank(a) - rank(b) || (a.VpcEndpointId ?? '').localeCompare(b.VpcEndpointId ?? ''))[0];
}
