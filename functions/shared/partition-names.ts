import type { EC2Client } from '@aws-sdk/client-ec2';

/**
 * Names that differ per AWS partition, derived without the SDK's partition table at run time: Lambda runs the
 * tasks on its runtime's AWS SDK (infra/product-function.ts), whose @aws-sdk/core may predate the table's
 * export. The EC2 client's own endpoint rules know the partition's DNS suffix; an ARN names its partition.
 */

/**
 * The service name of the S3 gateway endpoint: the partition's DNS suffix reversed, then the Region:
 * com.amazonaws.us-east-1.s3, com.amazonaws.us-gov-west-1.s3, cn.com.amazonaws.cn-north-1.s3 (Amazon VPC User
 * Guide, "Gateway endpoints for Amazon S3": https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html;
 * the China Regions: https://docs.amazonaws.cn/en_us/aws/latest/userguide/vpc.html). The suffix is the one of
 * EC2's regional endpoint (ec2.<region>.<suffix>) by the client's endpoint rules, whatever AWS_ENDPOINT_URL says.
 */
export async function s3GatewayServiceName(ec2: EC2Client): Promise<string> {
  const region = await ec2.config.region();
  const endpoint = ec2.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false } as Parameters<EC2Client['config']['endpointProvider']>[0]);
  const suffix = endpoint.url.hostname.replace(new RegExp(`^ec2\\.${region.replace(/[.]/g, '\\.')}\\.`), '');
  return `${suffix.split('.').reverse().join('.')}.${region}.s3`;
}

/** The console's host for a partition (an ARN's second field) and Region. */
export function consoleHost(partition: string, region: string): string | undefined {
  if (partition === 'aws') return `${region}.console.aws.amazon.com`;
  if (partition === 'aws-cn') return 'console.amazonaws.cn';
  if (partition === 'aws-us-gov') return 'console.amazonaws-us-gov.com';
  return undefined;
}
