import { EC2Client } from '@aws-sdk/client-ec2';
import { consoleUrlOf } from '../../functions/api/named-execution';
import { s3ServiceName } from '../../functions/network/find-s3-endpoint';
import { partitionOf } from '../../functions/shared/partition';

describe('names per AWS partition (the SDK partition data)', () => {
  it.each([
    ['us-east-1', 'aws', 'com.amazonaws.us-east-1.s3'],
    ['cn-north-1', 'aws-cn', 'cn.com.amazonaws.cn-north-1.s3'],
    ['cn-northwest-1', 'aws-cn', 'cn.com.amazonaws.cn-northwest-1.s3'],
    ['us-gov-west-1', 'aws-us-gov', 'com.amazonaws.us-gov-west-1.s3'],
  ])('in %s (partition %s) the S3 gateway endpoint service is %s', async (region, partition, serviceName) => {
    // GIVEN an EC2 client of the region (pointed at the emulator: the name comes from its endpoint rules, not the URL)
    // WHEN its partition and S3 service name are derived THEN they are AWS's
    expect(partitionOf(region)).toMatchObject({ name: partition, knownRegion: true });
    expect(await s3ServiceName(new EC2Client({ region }))).toBe(serviceName);
  });

  it('links an execution to its partition\'s console, and to none in a partition without a known console', () => {
    expect(consoleUrlOf('arn:aws-cn:states:cn-north-1:123456789012:execution:m:e')).toBe('https://console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:m:e');
    expect(consoleUrlOf('arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:m:e')).toMatch(/^https:\/\/console\.amazonaws-us-gov\.com\/states\/home\?region=us-gov-west-1#/);
    expect(consoleUrlOf('arn:aws:states:us-east-1:123456789012:execution:m:e')).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\//);
    expect(consoleUrlOf('arn:aws-iso:states:us-iso-east-1:123456789012:execution:m:e')).toBeUndefined();
  });

  it('knows the regions the SDK lists, and not an invented one', () => {
    expect(partitionOf('eu-central-1').knownRegion).toBe(true);
    expect(partitionOf('mars-north-9').knownRegion).toBe(false);
  });
});
