import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDEMPOTENCY_HEADER, REQUEST_ID_PATTERN } from '../../functions/api/requests';
import { REQUEST_SCHEMA_PATH } from '../request-model';
import { RESPONSE_SCHEMAS } from './response-schemas';

/**
 * The catalog API (infra/catalog-api.ts) as an OpenAPI 3.1 document, docs/openapi.json: the request body is
 * functions/shared/request.schema.json itself (OpenAPI 3.1's schema dialect is JSON Schema 2020-12, the schema's own),
 * the answers are infra/openapi/response-schemas.ts. `npm run build:openapi` writes it; a test fails when the file
 * is not what this generates, when a route of the synthesized template is missing here, or one here is not deployed.
 */
export const OPENAPI_PATH = join(__dirname, '..', '..', 'docs', 'openapi.json');
const EXAMPLE_REQUESTS_DIR = join(__dirname, '..', '..', 'examples', 'requests');

type Json = Record<string, unknown>;

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:LambdaEgressProvision:order-1001';
const json = (schema: string, examples: Record<string, { summary: string; value: unknown }>): Json => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` }, examples } },
});
const error = (description: string, message: string): Json => ({ description, ...json('Error', { error: { summary: description, value: { message } } }) });

/** The errors every route can answer: API Gateway's own (signature, IAM, throttling) and a handler's unexpected failure. */
const COMMON_ERRORS: Record<string, Json> = {
  '403': error(
    'Not signed, or the caller may not invoke this route (API Gateway IAM authorization: execute-api:Invoke)',
    'User: arn:aws:iam::123456789012:user/portal is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********7890:abcdef1234/v1/POST/requests',
  ),
  '429': error('Throttled: the stage or route limit (POST and DELETE lower than GET), or Step Functions at its limit; send the same request again later', 'Too Many Requests'),
  '500': error("An unexpected failure; the details are in the function's log", "POST /requests failed; the error is in the function's log"),
};

const requestIdParameter: Json = { name: 'id', in: 'path', required: true, description: 'The request id (the Idempotency-Key it was filed with)', schema: { type: 'string', pattern: REQUEST_ID_PATTERN.source } };

function exampleRequests(): Record<string, { summary: string; value: unknown }> {
  const read = (name: string): unknown => JSON.parse(readFileSync(join(EXAMPLE_REQUESTS_DIR, name), 'utf8'));
  return {
    sharedNetwork: { summary: 'Join (or build) the network "shared" with every default (examples/requests/shared-network.json)', value: read('shared-network.json') },
    everyDefault: { summary: 'Every field spelled out with its default (examples/requests/every-default.json)', value: read('every-default.json') },
  };
}

/** The request schema as an OpenAPI component: its `$id` would rebase references and `$schema` is the document's dialect. */
function requestSchemaComponent(): Json {
  const { $id: _id, $schema: _schema, ...schema } = JSON.parse(readFileSync(REQUEST_SCHEMA_PATH, 'utf8')) as Json;
  return schema;
}

export function openApiDocument(): Json {
  const execution = { executionArn: ARN, status: 'RUNNING', startDate: '2026-12-01T09:30:00.000Z' };
  return {
    openapi: '3.1.0',
    info: {
      title: 'lambda-egress catalog API',
      version: (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version,
      summary: 'Self-service internet egress for Lambda functions: file a request, follow it, give it back',
      description:
        'Every call is signed with SigV4 (service execute-api) by a principal allowed execute-api:Invoke on the route. The base URL is the stack output ApiUrl. Workflows run on AWS Step Functions; a request id is the execution name, so a retried call never starts a second workflow.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/v1',
        description: 'The stack output ApiUrl',
        variables: { restApiId: { default: 'abcdef1234' }, region: { default: 'us-east-1' } },
      },
    ],
    security: [{ sigv4: [] }],
    paths: {
      '/requests': {
        post: {
          operationId: 'fileRequest',
          summary: 'File a request: give a function internet egress',
          parameters: [
            {
              name: IDEMPOTENCY_HEADER,
              in: 'header',
              required: true,
              description: 'Becomes the execution name: the same key with the same body answers the same execution (200); with another body, 409',
              schema: { type: 'string', pattern: REQUEST_ID_PATTERN.source },
              example: 'order-1001',
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ProvisionRequest' }, examples: exampleRequests() } } },
          responses: {
            '202': { description: 'Started (and the same key and body again while it runs)', ...json('RequestAccepted', { started: { summary: 'A new request', value: { requestId: 'order-1001', ...execution } } }) },
            '200': { description: 'The same key and body again after that execution ended: how it ended', ...json('RequestAccepted', { repeated: { summary: 'A retried POST', value: { requestId: 'order-1001', ...execution, status: 'SUCCEEDED' } } }) },
            '400': error('The body does not match the request schema, is not JSON, or the Idempotency-Key is missing or malformed', 'the body does not match functions/shared/request.schema.json: [object has missing required properties (["functionName"])]'),
            '409': error('The Idempotency-Key was used for another request', 'the Idempotency-Key order-1001 was used for a different request; choose a new key'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/requests/{id}': {
        get: {
          operationId: 'getRequest',
          summary: "A request's status, current step, result, or error and rollback report",
          parameters: [requestIdParameter],
          responses: {
            '200': {
              description: 'The request',
              ...json('RequestStatus', {
                running: { summary: 'Running', value: { requestId: 'order-1001', executionArn: ARN, status: 'RUNNING', currentStep: 'EnsureNatGateways' } },
                failed: { summary: 'Failed and rolled back', value: { requestId: 'order-1001', executionArn: ARN, status: 'FAILED', error: 'ProbeFailed', cause: 'the probe could not reach https://aws.amazon.com/', rollback: { executionId: ARN, steps: [] }, durationMs: 81234 } },
              }),
            },
            '400': error('The id cannot be a request id', "the request id must be 1 to 80 letters, digits, '-' or '_' (got \"a b\"); use a UUID or your catalog's order id"),
            '404': error('No such request (Step Functions keeps a request 90 days after it ended)', 'no request order-1001'),
            ...COMMON_ERRORS,
          },
        },
        delete: {
          operationId: 'releaseRequest',
          summary: 'Give it back: release the function that request provisioned',
          parameters: [requestIdParameter],
          responses: {
            '202': { description: 'The release runs', ...json('ReleaseAnswer', { started: { summary: 'Started', value: { requestId: 'order-1001', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api', ...execution } } }) },
            '200': { description: 'The release ended', ...json('ReleaseAnswer', { ended: { summary: 'Ended', value: { requestId: 'order-1001', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api', ...execution, status: 'SUCCEEDED' } } }) },
            '400': error('The id cannot be a request id', "the request id must be 1 to 80 letters, digits, '-' or '_' (got \"a b\"); use a UUID or your catalog's order id"),
            '404': error('No such request', 'no request order-1001 (Step Functions keeps a request for 90 days after it ended; release an older one with lambda-egress release --function NAME)'),
            '409': error('The provision still runs, or it ended without moving the function', 'request order-1001 is still running; DELETE it once GET /requests/order-1001 says it ended'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/networks': {
        get: {
          operationId: 'listNetworks',
          summary: 'Every network, its member functions, drift and monthly cost',
          responses: {
            '200': {
              description: 'The inventory',
              ...json('Inventory', {
                oneNetwork: {
                  summary: 'One network with one member',
                  value: {
                    networks: [
                      {
                        name: 'shared', mode: 'create', state: 'ready', vpcId: 'vpc-0a1b2c3d4e5f67890', azs: ['us-east-1a', 'us-east-1b'], availabilityZones: [{ name: 'us-east-1a', id: 'use1-az6' }, { name: 'us-east-1b', id: 'use1-az1' }],
                        natGateways: { mode: 'per-az', ids: ['nat-0a1b2c3d4e5f67890', 'nat-0f1e2d3c4b5a69788'], live: 2 },
                        functions: [{ functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api', functionName: 'orders-api', execution: ARN, recordedAt: '2026-12-01T09:32:00.000Z' }],
                        monthlyCost: { totalUsd: 73.0, lines: [], notes: ['data processing (USD 0.045/GB) comes on top'] }, drifted: false, drift: [],
                      },
                    ],
                    totalMonthlyUsd: 73.0,
                  },
                },
              }),
            },
            ...COMMON_ERRORS,
          },
        },
      },
      '/networks/{name}': {
        delete: {
          operationId: 'teardownNetwork',
          summary: 'Tear a network down (refused while functions are members)',
          parameters: [{ name: 'name', in: 'path', required: true, description: 'The network name', schema: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$', maxLength: 64 } }],
          responses: {
            '202': { description: 'The teardown runs', ...json('TeardownAnswer', { started: { summary: 'Started', value: { network: 'shared', ...execution } } }) },
            '200': { description: 'The network was torn down', ...json('TeardownAnswer', { done: { summary: 'Succeeded', value: { network: 'shared', ...execution, status: 'SUCCEEDED' } } }) },
            '400': error('The name cannot be a network name', "the network name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (got \"-x\")"),
            '404': error('No such network in the registry', 'no network shared in the registry (GET /networks lists them)'),
            '409': error('Too many failed teardowns, or another DELETE took the name at the same moment', 'another DELETE /networks took the name shared--2 at the same moment; send this one again'),
            ...COMMON_ERRORS,
          },
        },
      },
    },
    components: {
      schemas: { ProvisionRequest: requestSchemaComponent(), ...RESPONSE_SCHEMAS },
      securitySchemes: {
        // API Gateway's own extension for IAM authorization: OpenAPI has no SigV4 scheme
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html).
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'AWS Signature Version 4, service execute-api', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
    },
  };
}

/** The document as docs/openapi.json holds it. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
