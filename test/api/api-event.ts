import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A SigV4 caller, as API Gateway's IAM authorization passes it in `requestContext.identity`. */
export interface ApiCaller {
  readonly userArn: string;
  readonly caller: string;
  readonly accountId: string;
}

export const CATALOG_CALLER: ApiCaller = { userArn: 'arn:aws:iam::123456789012:user/catalog', caller: 'AIDAEXAMPLE', accountId: '123456789012' };

/** An API Gateway (REST, proxy integration) event for POST /requests, from `caller` (null: no identity) unless overridden. */
export function apiEvent(overrides: Partial<APIGatewayProxyEvent>, caller: ApiCaller | null = CATALOG_CALLER): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/requests',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: (caller ? { identity: caller } : {}) as APIGatewayProxyEvent['requestContext'],
    resource: '/requests',
    ...overrides,
  };
}
