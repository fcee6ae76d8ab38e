import type { IncomingHttpHeaders } from 'node:http';

/** What the proxy can tell about a request without knowing the service model: who, which service, which action. */
export interface CallIdentity {
  readonly accessKeyId: string | undefined;
  readonly service: string;
  readonly action: string;
}

const LAMBDA_ROUTES: ReadonlyArray<readonly [string, RegExp, string]> = [
  ['POST', /^\/2015-03-31\/functions\/?$/, 'CreateFunction'],
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'GetFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/configuration$/, 'UpdateFunctionConfiguration'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/code$/, 'UpdateFunctionCode'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/invocations$/, 'Invoke'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+$/, 'GetFunction'],
  ['DELETE', /^\/2015-03-31\/functions\/[^/]+$/, 'DeleteFunction'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/aliases\/?$/, 'ListAliases'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/aliases\/?$/, 'CreateAlias'],
  ['PUT', /^\/2015-03-31\/functions\/[^/]+\/aliases\/[^/]+$/, 'UpdateAlias'],
  ['GET', /^\/2015-03-31\/functions\/[^/]+\/versions\/?$/, 'ListVersionsByFunction'],
  ['POST', /^\/2015-03-31\/functions\/[^/]+\/versions\/?$/, 'PublishVersion'],
  ['GET', /^\/2017-03-31\/tags\//, 'ListTags'],
  ['POST', /^\/2017-03-31\/tags\//, 'TagResource'],
  ['DELETE', /^\/2017-03-31\/tags\//, 'UntagResource'],
];

export function identifyCall(method: string, url: string, headers: IncomingHttpHeaders, body: string): CallIdentity {
  const authorization = String(headers.authorization ?? '');
  const scope = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(authorization);
  const accessKeyId = scope?.[1];
  const service = scope?.[2] ?? 'unsigned';
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return { accessKeyId, service, action: target.split('.').pop() ?? target };
  const parsed = new URL(url, 'http://proxy');
  const queryAction = parsed.searchParams.get('Action') ?? new URLSearchParams(body).get('Action');
  if (queryAction && service !== 'lambda') return { accessKeyId, service, action: queryAction };
  const path = decodeURIComponent(parsed.pathname);
  const route = LAMBDA_ROUTES.find(([routeMethod, pattern]) => routeMethod === method && pattern.test(path));
  return { accessKeyId, service, action: route?.[2] ?? `${method} ${parsed.pathname}` };
}

/** An error as the service's own protocol would send it, so the SDK parses it into the named exception. */
interface ShapedError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const QUERY_XML_SERVICES = new Set(['iam', 'sts', 'cloudformation', 'elasticloadbalancing', 'rds', 'sns', 'autoscaling']);
const REST_JSON_SERVICES = new Set(['lambda', 'apigateway', 'execute-api']);

export function shapeError(service: string, code: string, status: number, message: string): ShapedError {
  const requestId = `fault-${Date.now().toString(36)}`;
  if (service === 'ec2') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  if (QUERY_XML_SERVICES.has(service)) {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (REST_JSON_SERVICES.has(service)) {
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
      body: JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message }),
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: code, message }),
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
