import { GetServiceQuotaCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { awsErrorName } from '../../shared/errors';

/**
 * A Service Quotas quota: its code, its name as the console shows it, and the default AWS documents (Amazon VPC
 * User Guide, "Amazon VPC quotas": https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
 */
export interface QuotaDefinition {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly name: string;
  readonly documentedDefault: number;
}

export const VPCS_PER_REGION: QuotaDefinition = { serviceCode: 'vpc', quotaCode: 'L-F678F1CE', name: 'VPCs per Region', documentedDefault: 5 };
export const NAT_GATEWAYS_PER_AZ: QuotaDefinition = { serviceCode: 'vpc', quotaCode: 'L-FE5A380F', name: 'NAT gateways per Availability Zone', documentedDefault: 5 };

/** The quota's value, and when it is the documented default because Service Quotas did not answer, why. */
export interface QuotaValue {
  readonly value: number;
  readonly assumed?: string;
}

/**
 * Errors after which the quota is taken as its documented default (and the finding says so) instead of failing
 * the request: the caller may not call Service Quotas (AccessDeniedException; the role of an older stack), the
 * quota has no applied value (NoSuchResourceException: GetServiceQuota answers only applied values,
 * https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html), or the endpoint
 * is not reachable at all (no HTTP answer, or an emulator that does not serve it). Throttling and AWS's other
 * errors are thrown unchanged: the ASL retries them.
 */
const FALL_BACK_ON = new Set(['AccessDeniedException', 'NoSuchResourceException', 'ServiceException', 'UnrecognizedClientException']);

export async function readQuota(serviceQuotas: ServiceQuotasClient | undefined, quota: QuotaDefinition): Promise<QuotaValue> {
  const assumed = (why: string): QuotaValue => ({ value: quota.documentedDefault, assumed: `${quota.name} (${quota.quotaCode}) could not be read from Service Quotas (${why}): the documented default of ${quota.documentedDefault} is assumed` });
  if (!serviceQuotas) return assumed('no Service Quotas client');
  try {
    const answer = await serviceQuotas.send(new GetServiceQuotaCommand({ ServiceCode: quota.serviceCode, QuotaCode: quota.quotaCode }));
    const value = answer.Quota?.Value;
    return typeof value === 'number' && Number.isFinite(value) ? { value } : assumed('no value in its answer');
  } catch (error) {
    const name = awsErrorName(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name && FALL_BACK_ON.has(name)) return assumed(name);
    if (status === undefined || status === 404 || (status >= 500 && (!name || name === 'Error'))) return assumed(`not reachable: ${(error as Error).message.slice(0, 120)}`);
    throw error;
  }
}
