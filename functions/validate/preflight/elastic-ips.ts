import { DescribeAccountAttributesCommand, DescribeAddressesCommand, type Address, type EC2Client } from '@aws-sdk/client-ec2';
import { InvalidRequest } from '../../shared/errors';

/**
 * The Service Quotas code of "EC2-VPC Elastic IPs" (5 per Region by default). AllocateAddress beyond it fails
 * AddressLimitExceeded (Amazon VPC User Guide, "Elastic IP address quotas":
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-eips).
 */
const ELASTIC_IP_QUOTA_CODE = 'L-0263D0A3';

interface ElasticIpRoom {
  /** `vpc-max-elastic-ips` of DescribeAccountAttributes: the account's quota in this Region, raised or not. */
  readonly quota: number;
  /** Addresses allocated in the Region now, associated or not: every one counts against the quota. */
  readonly inUse: number;
  /** Those addresses, for what a network already holds (elastic-ips-needed.ts). */
  readonly addresses: readonly Address[];
}

/**
 * How many more Elastic IPs AllocateAddress would grant in this Region. Two reads, both free. DescribeAccountAttributes
 * is asked for every attribute: its AttributeName filter takes only supported-platforms and default-vpc
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAccountAttributes.html).
 */
export async function readElasticIpRoom(ec2: EC2Client): Promise<ElasticIpRoom> {
  const [attributes, addresses] = await Promise.all([
    ec2.send(new DescribeAccountAttributesCommand({})),
    ec2.send(new DescribeAddressesCommand({})),
  ]);
  const raw = attributes.AccountAttributes?.find((attribute) => attribute.AttributeName === 'vpc-max-elastic-ips')?.AttributeValues?.[0]?.AttributeValue;
  const quota = Number(raw);
  if (!Number.isFinite(quota)) throw new Error(`DescribeAccountAttributes returned no vpc-max-elastic-ips (got ${JSON.stringify(raw)})`);
  const allocated = addresses.Addresses ?? [];
  return { quota, inUse: allocated.length, addresses: allocated };
}

/**
 * Refuses a request that would allocate more Elastic IPs than the quota leaves. `needed` is what this request
 * would ALLOCATE (addresses it brings or reuses are the caller's to subtract), `why` says what they are for.
 */
export function checkElasticIpRoom(room: ElasticIpRoom, needed: number, context: { readonly region: string; readonly why: string }): void {
  const free = Math.max(0, room.quota - room.inUse);
  if (needed <= free) return;
  throw new InvalidRequest(
    'network.natGateways',
    `AWS would refuse the Elastic IPs this request allocates (AddressLimitExceeded): it needs ${needed} (${context.why}), and ${context.region} has ${free} left of the quota of ${room.quota} (${room.inUse} in use). ` +
      `Release unused addresses (aws ec2 describe-addresses --region ${context.region}; aws ec2 release-address --allocation-id <id>), ` +
      `ask for more (aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${ELASTIC_IP_QUOTA_CODE} --desired-value ${room.inUse + needed} --region ${context.region}), ` +
      `or need fewer: natGateways "single" (1), "regional" (none allocated by lambda-egress), or a smaller azCount`,
    { quotaCode: ELASTIC_IP_QUOTA_CODE, needed, available: free, quota: room.quota, inUse: room.inUse },
  );
}
