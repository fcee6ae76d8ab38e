import { paginateDescribeInstanceTypeOfferings, type AvailabilityZone, type EC2Client } from '@aws-sdk/client-ec2';
import { allPages } from '../../shared/paginate';

/**
 * The AZs of the Region that offer an instance type: not every AZ has every type (use1-az3 has no Graviton
 * types), and RunInstances there fails Unsupported (Amazon EC2 User Guide, "Find an Amazon EC2 instance type":
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-discovery.html).
 */
export async function zonesOffering(ec2: EC2Client, instanceType: string): Promise<Set<string>> {
  const offerings = await allPages(
    paginateDescribeInstanceTypeOfferings({ client: ec2 }, { LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: [instanceType] }] }),
    (page) => page.InstanceTypeOfferings,
  );
  return new Set(offerings.filter((offering) => offering.InstanceType === instanceType).flatMap((offering) => (offering.Location ? [offering.Location] : [])));
}

/** "us-east-1e (use1-az3)": an AZ's name means a different physical AZ in each account, its ID does not. */
export function zoneLabel(zone: Pick<AvailabilityZone, 'ZoneName' | 'ZoneId'>): string {
  return zone.ZoneId ? `${zone.ZoneName} (${zone.ZoneId})` : (zone.ZoneName ?? '');
}
