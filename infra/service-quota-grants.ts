import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NAT_GATEWAYS_PER_AZ, VPCS_PER_REGION } from '../functions/validate/preflight/service-quota';
import type { Grant } from './policy-builders';

/**
 * ValidateRequest's preflight reads two quotas (functions/validate/preflight/vpc-quotas.ts). GetServiceQuota
 * authorizes on the `quota` resource type, arn:<partition>:servicequotas:<region>:<account>:<service>/<quota>
 * (Service Authorization Reference, Service Quotas:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_servicequotas.html): exactly those two.
 * Without it (an older stack's role) the preflight assumes the documented defaults and says so.
 */
export function readVpcQuotas(): Grant {
  const quotaArn = (quota: typeof VPCS_PER_REGION) => `arn:${Aws.PARTITION}:servicequotas:${Aws.REGION}:${Aws.ACCOUNT_ID}:${quota.serviceCode}/${quota.quotaCode}`;
  return {
    statements: [new PolicyStatement({ sid: 'ReadVpcQuotas', actions: ['servicequotas:GetServiceQuota'], resources: [VPCS_PER_REGION, NAT_GATEWAYS_PER_AZ].map(quotaArn) })],
    why: 'no wildcard: the two quotas the preflight reads',
  };
}
