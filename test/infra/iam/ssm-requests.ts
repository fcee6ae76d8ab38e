import type { RecordedCall } from './recorded-calls';
import { ACCOUNT, REGION, type IamRequest } from './simulated-account';

/** A parameter's ARN: `parameter` followed by its name, whose leading slash is the ARN's. */
export const parameterArn = (name: string): string => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name.startsWith('/') ? '' : '/'}${name}`;

/**
 * Every authorization a Systems Manager Parameter Store call needs (Service Authorization Reference, AWS Systems
 * Manager: each on the `parameter` resource type). PutParameter with Tags is also authorized as
 * ssm:AddTagsToResource (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html).
 * The SDK speaks AWS JSON 1.1.
 */
export function ssmRequests(call: RecordedCall): IamRequest[] {
  const body = JSON.parse(call.details.requestBody || '{}') as { Name?: string; Names?: string[]; ResourceId?: string; Tags?: Array<{ Key: string; Value: string }> };
  const on = (action: string, name: string, why: string, context: Record<string, string | string[]> = {}): IamRequest => ({ action: `ssm:${action}`, resourceType: 'parameter', resource: parameterArn(name), context, why });
  switch (call.action) {
    case 'GetParameters':
      return (body.Names ?? []).map((name) => on('GetParameters', name, 'a parameter read'));
    case 'ListTagsForResource':
      return [on('ListTagsForResource', body.ResourceId ?? '', 'the parameter whose tags are read')];
    case 'DeleteParameter':
      return [on('DeleteParameter', body.Name ?? '', 'the parameter deleted')];
    case 'PutParameter': {
      const tags = Object.fromEntries((body.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
      const requestTags: Record<string, string | string[]> =
        Object.keys(tags).length === 0 ? {} : { ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])), 'aws:TagKeys': Object.keys(tags) };
      const put = on('PutParameter', body.Name ?? '', 'the parameter written', requestTags);
      return Object.keys(tags).length === 0 ? [put] : [put, on('AddTagsToResource', body.Name ?? '', 'PutParameter with Tags', requestTags)];
    }
    default:
      throw new Error(`no IAM mapping for ssm:${call.action}: add it to test/infra/iam/ssm-requests.ts`);
  }
}
