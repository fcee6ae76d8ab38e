import { partition } from '@aws-sdk/core/client';

/**
 * The AWS partition of a Region, from the SDK's own partition data (the table its endpoint resolution uses):
 * aws, aws-cn (amazonaws.com.cn), aws-us-gov, and the isolated ones. For the CLI, which runs on this
 * package's SDK: the tasks run on Lambda's runtime SDK and use partition-names.ts.
 */
interface PartitionInfo {
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
