import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RequestedBy } from '../shared/requested-by';

/**
 * The SigV4 caller API Gateway verified (IAM authorization), from `requestContext.identity`: `userArn` is the
 * IAM user or the assumed-role session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), `caller` its
 * principal id (API Gateway developer guide, $context variables for data models, authorizers, mapping
 * templates, and access logging: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html).
 * Undefined when the event carries none (the method is not IAM-authorized).
 */
export function requestedByOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Extract<RequestedBy, { via: 'api' }> | undefined {
  const identity = (event.requestContext as Partial<APIGatewayProxyEvent['requestContext']> | undefined)?.identity;
  const principal = identity?.userArn;
  if (!principal) return undefined;
  return { via: 'api', principal, ...(identity.caller ? { caller: identity.caller } : {}), ...(identity.accountId ? { accountId: identity.accountId } : {}) };
}
