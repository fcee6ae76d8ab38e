import { partition } from '@aws-sdk/core/client';

/**
 * The AWS partition of a Region, from the SDK's own partition data (the table its endpoint resolution uses):
 * aws, aws-cn (amazonaws.com.cn), aws-us-gov, and the isolated ones. Names built from a Region differ per
 * partition: ARNs (arn:<partition>:...), endpoint service names and console hosts.
 */
export interface PartitionInfo {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  readonly name: string;
  /** `amazonaws.com`, `amazonaws.com.cn`, ... */
  readonly dnsSuffix: string;
  /** Whether the SDK's data lists the Region by name (a region matched only by its pattern, or by nothing, is not). */
  readonly knownRegion: boolean;
}

export function partitionOf(region: string): PartitionInfo {
  const found = partition(region) as { name: string; dnsSuffix: string; description?: string };
  return { name: found.name, dnsSuffix: found.dnsSuffix, knownRegion: found.description !== undefined };
}

/**
 * The service name of the S3 gateway endpoint: the partition's DNS suffix reversed, then the Region:
 * com.amazonaws.us-east-1.s3, com.amazonaws.us-gov-west-1.s3, cn.com.amazonaws.cn-north-1.s3 (Amazon VPC User
 * Guide, "Gateway endpoints for Amazon S3": https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html;
 * the China Regions' name: https://docs.amazonaws.cn/en_us/aws/latest/userguide/vpc.html).
 */
export function s3GatewayServiceName(region: string): string {
  const reversed = partitionOf(region).dnsSuffix.split('.').reverse().join('.');
  return `${reversed}.${region}.s3`;
}

/** The console's host of a Region: console.aws.amazon.com, console.amazonaws.cn, console.amazonaws-us-gov.com. */
export function consoleHost(region: string): string {
  const name = partitionOf(region).name;
  if (name === 'aws-cn') return `console.amazonaws.cn`;
  if (name === 'aws-us-gov') return `console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}
